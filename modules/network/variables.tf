variable "name" {
  description = "Prefix of every resource name and Name tag (for example the environment, \"dev\"): 2-32 lower-case letters, digits and dashes."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 lower-case letters, digits or dashes, starting and ending with a letter or digit."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the VPC: a network address from /16 to /24. Each subnet gets 1/16 of it (a /16 VPC has /20 subnets, a /24 VPC /28 subnets)."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR block such as \"10.0.0.0/16\"."
  }

  validation {
    # try(): Terraform before 1.12 evaluates both sides of &&, and cidrsubnet fails on a bad CIDR.
    condition     = try(cidrsubnet(var.cidr_block, 0, 0) == var.cidr_block, false)
    error_message = "cidr_block must be a network address: its host bits must be zero (for example \"10.0.0.0/16\", not \"10.0.0.1/16\")."
  }

  validation {
    condition     = try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24, false)
    error_message = "cidr_block prefix length must be between /16 and /24."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over, 1-6 (the region's first available zones, in name order; the region must have that many)."
  type        = number

  validation {
    condition     = var.az_count >= 1 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "az_count must be a whole number from 1 to 6."
  }
}

variable "nat_mode" {
  description = "Outbound internet access of the private subnets: \"none\" (no NAT; VPC endpoints reach AWS services), \"single\" (one NAT gateway for all zones) or \"per-az\" (one NAT gateway per zone, no cross-zone dependency)."
  type        = string

  validation {
    condition     = contains(["none", "single", "per-az"], var.nat_mode)
    error_message = "nat_mode must be one of \"none\", \"single\" or \"per-az\"."
  }
}

variable "interface_endpoint_services" {
  description = "AWS services reached through interface VPC endpoints when nat_mode is \"none\" (short names such as \"ecr.api\"). The defaults are what Fargate tasks started by Step Functions need: image pull (ecr.api, ecr.dkr, plus the S3 gateway endpoint), logs, EventBridge, Step Functions and STS."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "events", "states", "sts"]

  validation {
    condition     = alltrue([for service in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", service)) && !startswith(service, "com.")])
    error_message = "interface_endpoint_services must be short service names (lower-case letters, digits, dots, dashes), such as \"ecr.api\"; not full names like \"com.amazonaws.eu-west-1.ecr.api\"."
  }

  validation {
    condition     = length(distinct(var.interface_endpoint_services)) == length(var.interface_endpoint_services)
    error_message = "interface_endpoint_services must not list a service twice."
  }

  validation {
    # S3 is served by the free gateway endpoint the module always creates without NAT.
    condition     = !contains(var.interface_endpoint_services, "s3")
    error_message = "interface_endpoint_services must not contain \"s3\": without NAT the module creates an S3 gateway endpoint."
  }
}

variable "enable_flow_logs" {
  description = "Whether to record VPC flow logs (all traffic) to a CloudWatch log group \"/vpc/<name>/flow-logs\". On by default: without them a VPC's traffic leaves no trace."
  type        = bool
  default     = true
  nullable    = false
}

variable "flow_logs_retention_days" {
  description = "Retention of the flow logs log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    # Limit: core/aws-limits.ts LOG_RETENTION_DAYS (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs_retention_days)
    error_message = "flow_logs_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
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
