resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

# Both Fargate providers are associated so that a RunTask call may choose either; the default
# strategy decides when it does not.
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = default_capacity_provider_strategy.value.capacity_provider
      weight            = default_capacity_provider_strategy.value.weight
      base              = default_capacity_provider_strategy.value.base
    }
  }
}

################################################################################
# ECR repositories
################################################################################

# Accepted (trivy AWS-0033, same as checkov CKV_AWS_136 below): AES256 at rest, no customer key.
#trivy:ignore:AVD-AWS-0033
resource "aws_ecr_repository" "this" {
  #checkov:skip=CKV_AWS_136:AES256 encrypts every image at rest; a customer KMS key would add per-pull KMS calls and a key policy every pulling account and role must be granted, for no reader fewer
  for_each = var.ecr_repositories

  name                 = each.value
  image_tag_mutability = var.image_tag_mutability
  # Deleting a repository that still holds images must be a deliberate, manual act.
  force_delete = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = aws_ecr_repository.this

  repository = each.value.name

  # ECR evaluates rules by priority; the "any" rule must have the highest number. An image matched by
  # a rule's tag selection cannot be expired by a lower-priority rule, and a tagPatternList matches
  # an image only when ALL its patterns match ("Lifecycle policy properties in Amazon ECR"): so one
  # rule per protected tag, keeping the one image that carries it, before the count-based rule. The
  # tags an environment's task definitions run are protected (ecr_protected_tags), so an environment
  # pinned to an older image never loses it to newer pushes.
  policy = jsonencode({
    rules = concat(
      [
        {
          rulePriority = 1
          description  = "Expire untagged images after ${var.ecr_untagged_expiry_days} days"
          selection = {
            tagStatus   = "untagged"
            countType   = "sinceImagePushed"
            countUnit   = "days"
            countNumber = var.ecr_untagged_expiry_days
          }
          action = { type = "expire" }
        },
      ],
      [
        for index, tag in var.ecr_protected_tags : {
          rulePriority = 2 + index
          description  = "Keep the image tagged ${tag} (deployed)"
          selection = {
            tagStatus      = "tagged"
            tagPatternList = [tag]
            countType      = "imageCountMoreThan"
            countNumber    = 1
          }
          action = { type = "expire" }
        }
      ],
      [
        {
          rulePriority = 2 + length(var.ecr_protected_tags)
          description  = "Keep the last ${var.ecr_keep_last_images} images"
          selection = {
            tagStatus   = "any"
            countType   = "imageCountMoreThan"
            countNumber = var.ecr_keep_last_images
          }
          action = { type = "expire" }
        },
      ],
    )
  })
}
