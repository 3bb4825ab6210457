output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones used, in the same order as the subnet lists."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per availability zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (where ECS tasks run), one per availability zone."
  value       = aws_subnet.private[*].id
}

output "public_route_table_id" {
  description = "ID of the public route table (default route to the internet gateway)."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per availability zone."
  value       = aws_route_table.private[*].id
}

output "internet_gateway_id" {
  description = "ID of the internet gateway."
  value       = aws_internet_gateway.this.id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways: none, one, or one per availability zone, depending on nat_mode."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public IPv4 addresses of the NAT gateways (for allow-lists of third parties)."
  value       = aws_eip.nat[*].public_ip
}

output "task_security_group_id" {
  description = "ID of the security group for ECS tasks: no ingress, all egress."
  value       = aws_security_group.tasks.id
}

output "default_security_group_id" {
  description = "ID of the VPC's default security group, stripped of all rules."
  value       = aws_default_security_group.this.id
}

output "vpc_endpoint_ids" {
  description = "IDs of the VPC endpoints by short service name (\"ecr.api\", …, \"s3\"); empty unless nat_mode is \"none\"."
  value = merge(
    { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id },
    { for endpoint in aws_vpc_endpoint.s3 : "s3" => endpoint.id },
  )
}

output "flow_log_id" {
  description = "ID of the VPC flow log, or null when enable_flow_logs is false."
  value       = try(aws_flow_log.this[0].id, null)
}
