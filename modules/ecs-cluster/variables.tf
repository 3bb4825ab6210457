variable "name" {
  description = "Name of the ECS cluster (for example \"dev-services\")."
  type        = string

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.ecsCluster (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name must be 1-255 letters, digits, dashes or underscores (ECS cluster name rules)."
  }
}

variable "container_insights" {
  description = "CloudWatch Container Insights level: \"enhanced\" (task-level metrics), \"enabled\" (cluster and service metrics) or \"disabled\"."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be one of \"enabled\", \"enhanced\" or \"disabled\"."
  }
}

variable "capacity_provider_strategy" {
  description = "Default capacity provider strategy of the cluster: FARGATE and/or FARGATE_SPOT, each listed once, with relative weights from 0 to 1000 (at least one above 0); base (0-100000) is the number of tasks always placed on that provider first (at most one entry may have a base)."
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = optional(number, 0)
  }))
  default = [{ capacity_provider = "FARGATE", weight = 1, base = 0 }]

  validation {
    condition     = length(var.capacity_provider_strategy) >= 1
    error_message = "capacity_provider_strategy must have at least one entry."
  }

  validation {
    condition     = alltrue([for s in var.capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], s.capacity_provider)])
    error_message = "capacity_provider_strategy: capacity_provider must be \"FARGATE\" or \"FARGATE_SPOT\"."
  }

  validation {
    condition     = length(distinct([for s in var.capacity_provider_strategy : s.capacity_provider])) == length(var.capacity_provider_strategy)
    error_message = "capacity_provider_strategy must not list a capacity provider twice."
  }

  validation {
    # Limit: core/aws-limits.ts CAPACITY_WEIGHT_RANGE (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for s in var.capacity_provider_strategy : s.weight >= 0 && s.weight <= 1000 && floor(s.weight) == s.weight])
    error_message = "capacity_provider_strategy: weight must be a whole number from 0 to 1000."
  }

  validation {
    condition     = anytrue([for s in var.capacity_provider_strategy : s.weight > 0])
    error_message = "capacity_provider_strategy: at least one entry must have a weight greater than 0."
  }

  validation {
    # Limit: core/aws-limits.ts CAPACITY_BASE_RANGE (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for s in var.capacity_provider_strategy : s.base != null && s.base >= 0 && s.base <= 100000 && floor(s.base) == s.base])
    error_message = "capacity_provider_strategy: base must be a whole number from 0 to 100000."
  }

  validation {
    condition     = length([for s in var.capacity_provider_strategy : s if coalesce(s.base, 0) > 0]) <= 1
    error_message = "capacity_provider_strategy: only one entry may have a base greater than 0."
  }
}

variable "ecr_repositories" {
  description = "Names of the ECR repositories to create (for example \"booking-saga/payment\"); may be empty."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    # Limit: core/aws-limits.ts ECR_REPOSITORY_NAME_LENGTH (test/modules/aws-limits.test.ts holds the numbers to it)
    condition = alltrue([
      for repository in var.ecr_repositories :
      length(repository) >= 2 && length(repository) <= 256 && can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", repository))
    ])
    error_message = "ecr_repositories: each name must be 2-256 characters of lower-case letters and digits, separated by single \".\", \"_\", \"-\" or \"/\" (for example \"booking-saga/payment\")."
  }
}

variable "image_tag_mutability" {
  description = "Tag mutability of the ECR repositories. IMMUTABLE (default) means a tag always names the same image, so a task definition's image cannot change under it."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["MUTABLE", "IMMUTABLE"], var.image_tag_mutability)
    error_message = "image_tag_mutability must be \"MUTABLE\" or \"IMMUTABLE\"."
  }
}

variable "ecr_keep_last_images" {
  description = "Lifecycle policy: number of most recent images kept in each repository; older ones expire."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_keep_last_images >= 1 && var.ecr_keep_last_images <= 10000 && floor(var.ecr_keep_last_images) == var.ecr_keep_last_images
    error_message = "ecr_keep_last_images must be a whole number from 1 to 10000."
  }
}

variable "ecr_protected_tags" {
  description = "Image tags the lifecycle policy never expires (the tags the environment's task definitions run), whatever ecr_keep_last_images says."
  type        = list(string)
  default     = []

  validation {
    # ECR image tags: up to 128 letters, digits, _ . -; no wildcard, so each pattern matches one tag exactly.
    condition     = alltrue([for tag in var.ecr_protected_tags : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", tag))]) && length(distinct(var.ecr_protected_tags)) == length(var.ecr_protected_tags)
    error_message = "ecr_protected_tags must be distinct image tags (1-128 letters, digits, _ . -, not starting with . or -; no wildcards)."
  }
}

variable "ecr_untagged_expiry_days" {
  description = "Lifecycle policy: days after which untagged images expire."
  type        = number
  default     = 7

  validation {
    condition     = var.ecr_untagged_expiry_days >= 1 && var.ecr_untagged_expiry_days <= 3650 && floor(var.ecr_untagged_expiry_days) == var.ecr_untagged_expiry_days
    error_message = "ecr_untagged_expiry_days must be a whole number from 1 to 3650."
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

variable "ec2_capacity" {
  description = "An EC2 capacity provider beside Fargate, or null (default) for none: an Auto Scaling group of ECS-optimized instances (the AMI read from the public SSM parameter ami_ssm_parameter) in subnet_ids of vpc_id, min_size to max_size instances of instance_type with an encrypted gp3 root volume of root_volume_size GiB, managed scaling to target_capacity percent and managed termination protection; the names of the capacity provider, group, launch template, instance role and instance profile."
  type = object({
    capacity_provider_name  = string
    auto_scaling_group_name = string
    launch_template_name    = string
    instance_role_name      = string
    instance_profile_name   = string
    instance_type           = string
    min_size                = number
    max_size                = number
    target_capacity         = optional(number, 100)
    root_volume_size        = optional(number, 30)
    subnet_ids              = list(string)
    vpc_id                  = string
    ami_ssm_parameter       = optional(string, "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")
  })
  default = null

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.ecsCapacityProvider (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (can(regex("^[A-Za-z0-9_-]{1,255}$", var.ec2_capacity.capacity_provider_name)) && !can(regex("^(?i)(aws|ecs|fargate)", var.ec2_capacity.capacity_provider_name)))
    error_message = "ec2_capacity.capacity_provider_name must be 1-255 letters, digits, dashes or underscores, not starting with \"aws\", \"ecs\" or \"fargate\" (ECS reserves them)."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.launchTemplate (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (length(var.ec2_capacity.launch_template_name) >= 3 && length(var.ec2_capacity.launch_template_name) <= 128 && can(regex("^[A-Za-z0-9()./_-]+$", var.ec2_capacity.launch_template_name)))
    error_message = "ec2_capacity.launch_template_name must be 3-128 letters, digits or ( ) . / _ -."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.autoScalingGroup (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (can(regex("^[^:]{1,255}$", var.ec2_capacity.auto_scaling_group_name)))
    error_message = "ec2_capacity.auto_scaling_group_name must be 1-255 characters without \":\"."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.iamRole (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.ec2_capacity.instance_role_name)))
    error_message = "ec2_capacity.instance_role_name must be 1-64 letters, digits or + = , . @ _ - (an IAM role name)."
  }

  validation {
    # Limit: core/aws-limits.ts NAME_MAX_LENGTH.instanceProfile (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.ec2_capacity.instance_profile_name)))
    error_message = "ec2_capacity.instance_profile_name must be 1-128 letters, digits or + = , . @ _ - (an IAM instance profile name)."
  }

  validation {
    condition     = var.ec2_capacity == null ? true : (can(regex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$", var.ec2_capacity.instance_type)))
    error_message = "ec2_capacity.instance_type must be an EC2 instance type such as \"t3.small\"."
  }

  validation {
    condition = var.ec2_capacity == null ? true : (
      floor(var.ec2_capacity.min_size) == var.ec2_capacity.min_size && floor(var.ec2_capacity.max_size) == var.ec2_capacity.max_size &&
      var.ec2_capacity.min_size >= 0 && var.ec2_capacity.max_size >= 1 && var.ec2_capacity.max_size <= 1000 && var.ec2_capacity.min_size <= var.ec2_capacity.max_size
    )
    error_message = "ec2_capacity: min_size and max_size must be whole numbers with 0 <= min_size <= max_size, 1 <= max_size <= 1000."
  }

  validation {
    # Limit: core/aws-limits.ts MANAGED_SCALING_TARGET_CAPACITY_RANGE (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = var.ec2_capacity == null ? true : (var.ec2_capacity.target_capacity >= 1 && var.ec2_capacity.target_capacity <= 100 && floor(var.ec2_capacity.target_capacity) == var.ec2_capacity.target_capacity)
    error_message = "ec2_capacity.target_capacity must be a whole percentage from 1 to 100 (ECS managed scaling)."
  }

  validation {
    condition     = var.ec2_capacity == null ? true : (var.ec2_capacity.root_volume_size >= 30 && var.ec2_capacity.root_volume_size <= 16384 && floor(var.ec2_capacity.root_volume_size) == var.ec2_capacity.root_volume_size)
    error_message = "ec2_capacity.root_volume_size must be a whole number of GiB from 30 (the AMI's snapshot) to 16384 (gp3's largest)."
  }

  validation {
    condition     = var.ec2_capacity == null ? true : (length(var.ec2_capacity.subnet_ids) >= 1 && alltrue([for id in var.ec2_capacity.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))]))
    error_message = "ec2_capacity.subnet_ids must list at least one subnet id (subnet-…)."
  }

  validation {
    condition     = var.ec2_capacity == null ? true : (can(regex("^/aws/service/ecs/optimized-ami/", var.ec2_capacity.ami_ssm_parameter)))
    error_message = "ec2_capacity.ami_ssm_parameter must be one of AWS's public ECS-optimized AMI parameters (/aws/service/ecs/optimized-ami/…)."
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
