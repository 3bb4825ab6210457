output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_id" {
  description = "ID of the ECS cluster (the provider sets it to the cluster ARN)."
  value       = aws_ecs_cluster.this.id
}

output "capacity_providers" {
  description = "Capacity providers associated with the cluster."
  value       = aws_ecs_cluster_capacity_providers.this.capacity_providers
}

output "ecr_repository_urls" {
  description = "Repository URL (registry host and name, without tag) by repository name."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.repository_url }
}

output "ecr_repository_arns" {
  description = "Repository ARN by repository name."
  value       = { for name, repository in aws_ecr_repository.this : name => repository.arn }
}

output "ec2_capacity_provider_name" {
  description = "Name of the EC2 capacity provider, or null without EC2 capacity."
  value       = try(aws_ecs_capacity_provider.ec2["this"].name, null)
}

output "ec2_auto_scaling_group_name" {
  description = "Name of the EC2 capacity's Auto Scaling group, or null without EC2 capacity."
  value       = try(aws_autoscaling_group.instances["this"].name, null)
}

output "ec2_instance_role_arn" {
  description = "ARN of the container instances' role, or null without EC2 capacity."
  value       = try(aws_iam_role.instance["this"].arn, null)
}
