variable "bucket_name" {
  description = "Name of the S3 bucket holding Terraform state (globally unique, 3-63 characters: lower-case letters, digits, dots and dashes)."
  type        = string

  validation {
    # Limit: core/aws-limits.ts S3_BUCKET_NAME_LENGTH (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = length(var.bucket_name) >= 3 && length(var.bucket_name) <= 63 && can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name must be 3-63 characters of lower-case letters, digits, dots and dashes, start and end with a letter or digit, and not contain \"..\"."
  }
}

variable "kms_key_arn" {
  description = "KMS key (ARN, key id or alias ARN) for SSE-KMS. null encrypts with S3-managed keys (SSE-S3)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+|[0-9a-f-]{36}|alias/.+)$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN, alias ARN, key id or alias/<name>."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days (at least 1) after which superseded state versions are deleted. Keep long enough to recover from a bad apply."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "saved_plans_prefix" {
  description = "Key prefix under which the deploy workflow keeps saved plans between its plan and apply jobs (they expire, see saved_plan_expiration_days)."
  type        = string
  default     = "saved-plans/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.saved_plans_prefix))
    error_message = "saved_plans_prefix must be a key prefix ending in \"/\" (never empty: the rule would expire the state itself)."
  }
}

variable "saved_plan_expiration_days" {
  description = "Days (1-90) after which saved plans, which hold sensitive values, are deleted; npm run apply refuses older ones."
  type        = number
  default     = 14

  validation {
    condition     = var.saved_plan_expiration_days >= 1 && var.saved_plan_expiration_days <= 90 && floor(var.saved_plan_expiration_days) == var.saved_plan_expiration_days
    error_message = "saved_plan_expiration_days must be a whole number of days from 1 to 90."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it still holds state. Leave false outside throw-away environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket (in addition to the provider's default_tags)."
  type        = map(string)
  default     = {}

  validation {
    # Limit: core/aws-limits.ts TAG_KEY_LENGTH (test/modules/aws-limits.test.ts holds the numbers to it)
    # Limit: core/aws-limits.ts TAG_VALUE_MAX_LENGTH (test/modules/aws-limits.test.ts holds the numbers to it)
    condition     = alltrue([for key, value in var.tags : length(key) >= 1 && length(key) <= 128 && length(value) <= 256])
    error_message = "tags: keys must be 1-128 characters and values at most 256 characters (S3 tag limits)."
  }
}
