output "task_definition_arns" {
  description = "Task definition ARN including its revision, by task key (\"<service>/<task>\")."
  value       = { for key, definition in aws_ecs_task_definition.this : key => definition.arn }
}

output "task_definition_arns_without_revision" {
  description = "Task definition ARN without revision, by task key; append \":*\" to grant ecs:RunTask on every revision."
  value       = { for key, definition in aws_ecs_task_definition.this : key => definition.arn_without_revision }
}

output "task_definition_families" {
  description = "Task definition family by task key."
  value       = { for key, definition in aws_ecs_task_definition.this : key => definition.family }
}

output "task_definition_revisions" {
  description = "Task definition revision number by task key."
  value       = { for key, definition in aws_ecs_task_definition.this : key => definition.revision }
}

output "container_names" {
  description = "Name of the (single, essential) container by task key: the target of RunTask container overrides."
  value       = { for key, task in var.tasks : key => task.container_name }
}

output "task_role_arns" {
  description = "Task role ARN by service name."
  value       = { for service, role in aws_iam_role.task : service => role.arn }
}

output "task_role_names" {
  description = "Task role name by service name (for attaching policies in the service stacks)."
  value       = { for service, role in aws_iam_role.task : service => role.name }
}

output "execution_role_arn" {
  description = "ARN of the environment's shared task execution role (for iam:PassRole)."
  value       = aws_iam_role.execution.arn
}

output "execution_role_name" {
  description = "Name of the environment's shared task execution role."
  value       = aws_iam_role.execution.name
}

output "log_group_names" {
  description = "CloudWatch log group name by task key."
  value       = { for key, group in aws_cloudwatch_log_group.this : key => group.name }
}

output "log_group_arns" {
  description = "CloudWatch log group ARN by task key."
  value       = { for key, group in aws_cloudwatch_log_group.this : key => group.arn }
}
