# The region's zones that need no opt-in (Local and Wavelength Zones would), in name order.
data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:the set is bounded, not open: local.azs takes the first az_count names in sorted order, so a zone AWS adds later is never used until az_count is raised
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }

  lifecycle {
    postcondition {
      condition     = length(self.names) >= var.az_count
      error_message = "az_count is ${var.az_count} but the region has only ${length(self.names)} available availability zones."
    }
  }
}

data "aws_region" "current" {}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Sixteen equal slices of the VPC: private subnets take slices 0-5, public subnets 8-13, so
  # adding zones later never renumbers an existing subnet.
  subnet_newbits       = 4
  public_subnet_offset = 8

  nat_gateway_count = var.nat_mode == "none" ? 0 : var.nat_mode == "single" ? 1 : var.az_count

  # Without NAT, Fargate reaches AWS APIs through VPC endpoints only.
  interface_endpoint_services = var.nat_mode == "none" ? toset(var.interface_endpoint_services) : toset([])
  create_s3_gateway_endpoint  = var.nat_mode == "none"
}

################################################################################
# VPC
################################################################################

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true # interface endpoints with private DNS need both

  tags = merge(var.tags, { Name = var.name })
}

# Takes over the VPC's default security group and removes all its rules, so nothing that falls
# back to it gets any traffic.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-default-deny" })
}

################################################################################
# Subnets
################################################################################

resource "aws_subnet" "private" {
  count = var.az_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.cidr_block, local.subnet_newbits, count.index)

  tags = merge(var.tags, {
    Name = "${var.name}-private-${local.azs[count.index]}"
    Tier = "private"
  })
}

resource "aws_subnet" "public" {
  count = var.az_count

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.cidr_block, local.subnet_newbits, local.public_subnet_offset + count.index)

  # Only NAT gateways (and later load balancers) live here; nothing gets a public IP by default.
  map_public_ip_on_launch = false

  tags = merge(var.tags, {
    Name = "${var.name}-public-${local.azs[count.index]}"
    Tier = "public"
  })
}

################################################################################
# Internet gateway and public routing
################################################################################

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

################################################################################
# NAT gateways
################################################################################

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = merge(var.tags, { Name = "${var.name}-nat-${local.azs[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

################################################################################
# Private routing: one route table per zone, so "per-az" keeps traffic in its zone
################################################################################

resource "aws_route_table" "private" {
  count = var.az_count

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_route" "private_nat" {
  count = local.nat_gateway_count == 0 ? 0 : var.az_count

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  # "single": every zone uses gateway 0; "per-az": each zone its own.
  nat_gateway_id = aws_nat_gateway.this[var.nat_mode == "single" ? 0 : count.index].id
}

resource "aws_route_table_association" "private" {
  count = var.az_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

################################################################################
# Security group for ECS tasks: no ingress (tasks are started, not called), all egress
################################################################################

# name_prefix, not name: with create_before_destroy a replacement must not clash with the old
# group's name (groups in use by ENIs cannot be deleted first).
resource "aws_security_group" "tasks" {
  #checkov:skip=CKV2_AWS_5:attached at run time: the state machines pass it in each RunTask networkConfiguration, which Terraform does not see
  name_prefix = "${var.name}-tasks-"
  description = "ECS tasks of ${var.name}: no inbound traffic, outbound to anywhere"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

# Tasks call AWS APIs and (with NAT) third parties on any port; without NAT only the VPC
# endpoints are reachable anyway.
# Accepted (trivy AWS-0104, unrestricted egress): tasks call AWS APIs and, with NAT, third parties on
# ports we cannot list; nothing can connect in. Without NAT only the VPC endpoints are reachable.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "tasks_all" {
  security_group_id = aws_security_group.tasks.id
  description       = "All outbound IPv4 traffic"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(var.tags, { Name = "${var.name}-tasks-egress" })
}

################################################################################
# VPC endpoints (nat_mode = "none")
################################################################################

resource "aws_security_group" "endpoints" {
  count = length(local.interface_endpoint_services) > 0 ? 1 : 0

  name_prefix = "${var.name}-vpc-endpoints-"
  description = "Interface VPC endpoints of ${var.name}: HTTPS from inside the VPC"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-vpc-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  count = length(aws_security_group.endpoints)

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = aws_vpc.this.cidr_block

  tags = merge(var.tags, { Name = "${var.name}-vpc-endpoints-https" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = merge(var.tags, { Name = "${var.name}-${each.value}" })
}

# ECR stores image layers in S3: without NAT, image pulls need this (free) gateway endpoint.
resource "aws_vpc_endpoint" "s3" {
  count = local.create_s3_gateway_endpoint ? 1 : 0

  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}

################################################################################
# Flow logs (on by default)
################################################################################

# Accepted (trivy AWS-0017, checkov CKV_AWS_158): CloudWatch Logs always encrypts log data at rest;
# a customer key adds a key policy and cost, not a reader fewer (access is by IAM on logs).
#trivy:ignore:AVD-AWS-0017
resource "aws_cloudwatch_log_group" "flow_logs" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs always encrypts log data at rest; a customer key adds a key policy and cost, not a reader fewer
  #checkov:skip=CKV_AWS_338:retention is the caller's choice (var.flow_logs_retention_days)
  count = var.enable_flow_logs ? 1 : 0

  name              = "/vpc/${var.name}/flow-logs"
  retention_in_days = var.flow_logs_retention_days

  tags = var.tags
}

data "aws_iam_policy_document" "flow_logs_assume" {
  count = var.enable_flow_logs ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    # Confused-deputy guard: only flow logs of this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [aws_vpc.this.owner_id]
    }
  }
}

data "aws_iam_policy_document" "flow_logs_write" {
  count = var.enable_flow_logs ? 1 : 0

  statement {
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = ["${aws_cloudwatch_log_group.flow_logs[0].arn}:*"]
  }
}

resource "aws_iam_role" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name                 = "${var.name}-vpc-flow-logs"
  assume_role_policy   = data.aws_iam_policy_document.flow_logs_assume[0].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name   = "write-flow-logs"
  role   = aws_iam_role.flow_logs[0].id
  policy = data.aws_iam_policy_document.flow_logs_write[0].json
}

resource "aws_flow_log" "this" {
  count = var.enable_flow_logs ? 1 : 0

  vpc_id               = aws_vpc.this.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn         = aws_iam_role.flow_logs[0].arn

  tags = merge(var.tags, { Name = "${var.name}-flow-logs" })
}
