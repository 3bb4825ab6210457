data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  services = toset([for task in values(var.tasks) : task.service])

  execution_role_name = coalesce(var.execution_role_name, "${var.name_prefix}-ecs-task-execution")
  task_role_names     = { for service in local.services : service => lookup(var.task_role_names, service, "${var.name_prefix}-${service}-task") }
}

################################################################################
# IAM: one execution role per environment, one task role per service
################################################################################

# ECS assumes both roles; the SourceAccount condition stops another account's ECS from doing so
# (confused deputy).
data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Used by the ECS agent, not by the application: pull images from ECR, write to CloudWatch Logs.
resource "aws_iam_role" "execution" {
  name                 = local.execution_role_name
  description          = "ECS task execution role of ${var.name_prefix}: image pull and log delivery"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

# The application's identity. Deliberately empty here: each service stack attaches exactly what
# its tasks need.
resource "aws_iam_role" "task" {
  for_each = local.services

  name                 = local.task_role_names[each.value]
  description          = "Task role of the ${each.value} service's ECS tasks in ${var.name_prefix}"
  assume_role_policy   = data.aws_iam_policy_document.ecs_tasks_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = merge(var.tags, { Service = each.value })
}

################################################################################
# Logs and task definitions
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the caller's choice (var.log_retention_days, per environment); these are application logs, not the audit trail
  for_each = var.tasks

  name              = "/ecs/${each.value.family}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_id

  tags = merge(var.tags, { Service = each.value.service })
}

resource "aws_ecs_task_definition" "this" {
  for_each = var.tasks

  # Any change of container_definitions, cpu, memory or roles replaces the resource (ForceNew), and
  # destroying the old one deregisters that revision. ECS refuses to run new tasks from an INACTIVE
  # revision (DeregisterTaskDefinition API reference), so executions already running, and their
  # retries, would fail. With skip_destroy the provider's delete returns before deregistering
  # (terraform-provider-aws, internal/service/ecs/task_definition.go, resourceTaskDefinitionDelete):
  # old revisions stay ACTIVE and state machines, which run the family, take the latest one.
  skip_destroy = true

  family                   = each.value.family
  requires_compatibilities = each.value.requires_compatibilities
  network_mode             = "awsvpc"
  cpu                      = tostring(each.value.cpu)
  memory                   = tostring(each.value.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task[each.value.service].arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Scratch space on the task's ephemeral storage: with a read-only root filesystem, /tmp is the
  # one writable path (Node and most runtimes write temporary files there).
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name      = each.value.container_name
      image     = each.value.image
      essential = true
      command   = each.value.command
      # Sorted by name so that the JSON, hence the plan, does not change with input order.
      environment = [
        for name in sort(keys(each.value.environment)) : { name = name, value = each.value.environment[name] }
      ]
      # Security Hub ECS.5 / checkov CKV_AWS_336: a compromised task cannot alter its own image.
      readonlyRootFilesystem = each.value.readonly_root_filesystem
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      # The command (node) would be PID 1, which the kernel gives no default signal handling: a
      # SIGTERM from StopTask or a Spot interruption would be ignored until the SIGKILL at the stop
      # timeout. An init process "forwards signals and reaps processes" (ECS LinuxParameters,
      # `docker run --init`), and the task programs end on SIGTERM (task-programs/runtime.ts).
      linuxParameters = { initProcessEnabled = true }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this[each.key].name
          awslogs-region        = data.aws_region.current.region
          awslogs-stream-prefix = "ecs"
        }
      }
    },
  ])

  tags = merge(var.tags, { Service = each.value.service })
}
