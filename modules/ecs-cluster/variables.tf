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
