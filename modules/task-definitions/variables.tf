variable "name_prefix" {
  description = "Prefix of the IAM role names (the environment, for example \"dev\"; 2-32 lower-case letters, digits and dashes): \"<name_prefix>-ecs-task-execution\" and \"<name_prefix>-<service>-task\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-32 lower-case letters, digits or dashes, starting and ending with a letter or digit."
  }
}

variable "tasks" {
  description = "ECS tasks keyed \"<service>/<task>\": the service owning the task (the key's first part), the task definition family, the container name, the full image reference (repository URL and tag or digest), cpu units and memory in MiB (a Fargate combination unless the task is for EC2 only), the container command, plain environment variables, whether the root filesystem is read-only (default true; /tmp stays writable), and the launch types it may run on (requires_compatibilities: FARGATE, EC2 or both; default FARGATE)."
  type = map(object({
    service        = string
    family         = string
    container_name = string
    image          = string
    cpu            = number
    memory         = number
    command        = list(string)
    environment    = optional(map(string), {})
    # Read-only unless a task must write outside /tmp (which stays writable).
    readonly_root_filesystem = optional(bool, true)
    # The launch types ECS may run the task on.
    requires_compatibilities = optional(list(string), ["FARGATE"])
  }))

  validation {
    condition     = length(var.tasks) >= 1
    error_message = "tasks must declare at least one task."
  }

  validation {
    condition     = alltrue([for key in keys(var.tasks) : can(regex("^[a-z0-9-]+/[a-z0-9-]+$", key))])
    error_message = "tasks keys must be \"<service>/<task>\" in lower-case letters, digits and dashes, for example \"payment/charge\"."
  }

  validation {
    condition     = alltrue([for key, task in var.tasks : split("/", key)[0] == task.service])
    error_message = "tasks: the service of each task must be the part of its key before \"/\"."
  }

  validation {
    # Keeps "<name_prefix>-<service>-task" within IAM's 64-character role name limit.
    condition     = alltrue([for task in values(var.tasks) : can(regex("^[a-z0-9][a-z0-9-]{0,25}$", task.service))])
    error_message = "tasks: service must be 1-26 lower-case letters, digits or dashes."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.ecsTaskFamily (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for task in values(var.tasks) : can(regex("^[A-Za-z0-9_-]{1,255}$", task.family))])
    error_message = "tasks: family must be 1-255 letters, digits, dashes or underscores."
  }

  validation {
    condition     = length(distinct([for task in values(var.tasks) : task.family])) == length(var.tasks)
    error_message = "tasks: two tasks must not share a family."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.ecsContainer (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for task in values(var.tasks) : can(regex("^[A-Za-z0-9_-]{1,255}$", task.container_name))])
    error_message = "tasks: container_name must be 1-255 letters, digits, dashes or underscores."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : length(trimspace(task.image)) > 0 && !strcontains(task.image, " ")])
    error_message = "tasks: image must be a non-empty image reference without spaces."
  }

  validation {
    condition     = alltrue([for task in values(var.tasks) : length(task.command) >= 1])
    error_message = "tasks: command must have at least one element."
  }

  validation {
    condition = alltrue([
      for task in values(var.tasks) : length(task.requires_compatibilities) >= 1 && length(distinct(task.requires_compatibilities)) == length(task.requires_compatibilities) && alltrue([for launch in task.requires_compatibilities : contains(["FARGATE", "EC2"], launch)])
    ])
    error_message = "tasks: requires_compatibilities must list \"FARGATE\", \"EC2\" or both, each once."
  }

  validation {
    # A task for EC2 only takes any size ECS allows there ("between 128 CPU units and 196608 CPU units").
    # Limit: core/aws-limits.ts EC2_TASK_CPU_RANGE (test/modules/aws-limits.test.ts holds the numbers to it)
    condition = alltrue([
      for task in values(var.tasks) : contains(task.requires_compatibilities, "FARGATE") || (task.cpu >= 128 && task.cpu <= 196608 && floor(task.cpu) == task.cpu && task.memory >= 6 && floor(task.memory) == task.memory)
    ])
    error_message = "tasks: a task for EC2 only needs cpu from 128 to 196608 units and at least 6 MiB of memory, in whole numbers."
  }

  validation {
    # Fargate's supported cpu/memory pairs (Linux), for every task that may run on Fargate (even if EC2 is listed too):
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
    # Limit: core/aws-limits.ts FARGATE_SIZES (test/modules/aws-limits.test.ts holds the numbers to it)
    condition = alltrue([
      for task in values(var.tasks) : !contains(task.requires_compatibilities, "FARGATE") || (
        task.cpu == 256 ? contains([512, 1024, 2048], task.memory) :
        task.cpu == 512 ? task.memory >= 1024 && task.memory <= 4096 && task.memory % 1024 == 0 :
        task.cpu == 1024 ? task.memory >= 2048 && task.memory <= 8192 && task.memory % 1024 == 0 :
        task.cpu == 2048 ? task.memory >= 4096 && task.memory <= 16384 && task.memory % 1024 == 0 :
        task.cpu == 4096 ? task.memory >= 8192 && task.memory <= 30720 && task.memory % 1024 == 0 :
        task.cpu == 8192 ? task.memory >= 16384 && task.memory <= 61440 && task.memory % 4096 == 0 :
        task.cpu == 16384 ? task.memory >= 32768 && task.memory <= 122880 && task.memory % 8192 == 0 :
        false
      )
    ])
    error_message = "tasks: cpu/memory must be a Fargate combination: 256 → 512, 1024 or 2048; 512 → 1024-4096; 1024 → 2048-8192; 2048 → 4096-16384; 4096 → 8192-30720 (steps of 1024); 8192 → 16384-61440 (steps of 4096); 16384 → 32768-122880 (steps of 8192). (Checked for every task that may run on Fargate.)"
  }

  validation {
    condition = alltrue(flatten([
      for task in values(var.tasks) : [for name in keys(task.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name))]
    ]))
    error_message = "tasks: environment variable names must be letters, digits and underscores, not starting with a digit."
  }
}

variable "execution_role_name" {
  description = "Name of the environment's task execution role; null (default) names it \"<name_prefix>-ecs-task-execution\"."
  type        = string
  default     = null

  validation {
    # IAM CreateRole: 1-64 characters of letters, digits and + = , . @ _ -
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.iamRole (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.execution_role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.execution_role_name))
    error_message = "execution_role_name must be 1-64 letters, digits or + = , . @ _ - (an IAM role name)."
  }
}

variable "task_role_names" {
  description = "Name of each service's task role, by service; a service left out gets \"<name_prefix>-<service>-task\". (The base stack passes every name from core/naming.ts, where each is validated.)"
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.iamRole (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for name in values(var.task_role_names) : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", name))])
    error_message = "task_role_names values must be 1-64 letters, digits or + = , . @ _ - (IAM role names)."
  }
}

variable "log_retention_days" {
  description = "Retention of each task's CloudWatch log group, in days (a value CloudWatch Logs accepts; logs never kept forever)."
  type        = number
  default     = 30

  validation {
    # Limit: core/aws-limits.ts LOG_RETENTION_DAYS (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_id" {
  description = "ARN of a KMS key encrypting the log groups; null (default) uses CloudWatch Logs' own encryption. The key policy must allow the logs service principal."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.log_kms_key_id))
    error_message = "log_kms_key_id must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of every task: \"X86_64\" or \"ARM64\" (Graviton, cheaper; images must be built for it)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be \"X86_64\" or \"ARM64\"."
  }
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    # Limit: core/aws-limits.ts TAG_KEY_LENGTH (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for key in keys(var.tags) : length(key) >= 1 && length(key) <= 128 && !startswith(lower(key), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\"."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the managed policy set as the permissions boundary of every IAM role this module creates. null: no boundary (an account where roles may be created without one)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM managed policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}
