resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  tags = var.tags
}

# Both Fargate providers are associated so that a RunTask call may choose either; the default
# strategy decides when it does not. The EC2 capacity provider, when there is one, is associated
# too, but stays out of the default strategy: only rules that ask for EC2 run there.
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = concat(["FARGATE", "FARGATE_SPOT"], [for provider in aws_ecs_capacity_provider.ec2 : provider.name])

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

################################################################################
# EC2 capacity (optional): an Auto Scaling group of ECS-optimized instances as a capacity provider
################################################################################

locals {
  ec2 = var.ec2_capacity == null ? {} : { this = var.ec2_capacity }
}

data "aws_partition" "current" {}

# The recommended ECS-optimized Amazon Linux 2023 AMI, from AWS's public parameter ("Retrieving Amazon
# ECS-optimized Linux AMI metadata", AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html).
# Read at plan time, so a new AMI shows up in a reviewed plan as a
# new launch template version; instances launched after the apply use it.
data "aws_ssm_parameter" "ecs_ami" {
  for_each = local.ec2

  name = each.value.ami_ssm_parameter
}

# The container instances' role: the ECS agent registers the instance, pulls images and ships logs
# with it: AmazonEC2ContainerServiceforEC2Role is the managed policy AWS provides for it ("Amazon ECS
# container instance IAM role", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/instance_IAM_role.html).
# Tasks never get it: they have their own task role, and ECS_AWSVPC_BLOCK_IMDS keeps awsvpc tasks away from the instance metadata service.
data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "instance" {
  for_each = local.ec2

  name                 = each.value.instance_role_name
  description          = "ECS container instances of ${var.name}: agent registration, image pull, logs"
  assume_role_policy   = data.aws_iam_policy_document.ec2_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "instance" {
  for_each = local.ec2

  role       = aws_iam_role.instance[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  for_each = local.ec2

  name = each.value.instance_profile_name
  role = aws_iam_role.instance[each.key].name

  tags = var.tags
}

# The instances' own interface. With the awsvpc network mode each task has its own interface and
# security group (the tasks' group of the network module); this one carries only the agent's traffic
# to ECS, ECR and CloudWatch Logs.
resource "aws_security_group" "instances" {
  #checkov:skip=CKV2_AWS_5:attached through the launch template's network interface, which checkov does not follow
  for_each = local.ec2

  name_prefix = "${each.value.launch_template_name}-"
  description = "ECS container instances of ${var.name}: no inbound traffic, outbound to anywhere"
  vpc_id      = each.value.vpc_id

  tags = merge(var.tags, { Name = each.value.launch_template_name })

  lifecycle {
    create_before_destroy = true
  }
}

# Accepted (trivy AWS-0104, unrestricted egress): the agent calls ECS, ECR, S3 and CloudWatch Logs
# endpoints, through NAT or VPC endpoints; nothing can connect in.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "instances_all" {
  for_each = local.ec2

  security_group_id = aws_security_group.instances[each.key].id
  description       = "All outbound IPv4 traffic (ECS agent to AWS APIs)"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(var.tags, { Name = "${each.value.launch_template_name}-egress" })
}

resource "aws_launch_template" "instances" {
  for_each = local.ec2

  name                   = each.value.launch_template_name
  description            = "ECS container instances of ${var.name}"
  image_id               = data.aws_ssm_parameter.ecs_ami[each.key].insecure_value
  instance_type          = each.value.instance_type
  update_default_version = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance[each.key].arn
  }

  # Private subnets only: no public address; the agent reaches AWS through NAT or VPC endpoints.
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    security_groups             = [aws_security_group.instances[each.key].id]
  }

  # IMDSv2 only, and one hop: a container on a bridge network cannot reach the instance's credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = each.value.root_volume_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  user_data = base64encode(join("\n", [
    "#!/bin/bash",
    "cat >> /etc/ecs/ecs.config <<'CONFIG'",
    "ECS_CLUSTER=${var.name}",
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "CONFIG",
    "",
  ]))

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = each.value.launch_template_name })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = each.value.launch_template_name })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "instances" {
  for_each = local.ec2

  name                = each.value.auto_scaling_group_name
  min_size            = each.value.min_size
  max_size            = each.value.max_size
  vpc_zone_identifier = each.value.subnet_ids
  health_check_type   = "EC2"

  # Managed termination protection needs every instance protected from scale-in ("The Auto Scaling
  # group and each instance in the Auto Scaling group must have instance protection from scale-in
  # actions on", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AutoScalingGroupProvider.html);
  # ECS lifts it on empty instances. Managed termination protection in turn needs managed scaling (same page).
  protect_from_scale_in = true
  # A protected instance would hold a destroy of the group forever ("group still has N instances",
  # hashicorp/terraform#18507, terraform-provider-aws#18849); the group's name never changes, so only
  # a deliberate destroy of the environment's EC2 capacity deletes it.
  force_delete = true

  launch_template {
    id      = aws_launch_template.instances[each.key].id
    version = aws_launch_template.instances[each.key].latest_version
  }

  # The capacity provider adds this tag to the group; declared here so Terraform does not remove it
  # and new instances carry it (aws_ecs_capacity_provider documentation).
  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  dynamic "tag" {
    for_each = var.tags

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # Managed scaling sets the desired capacity.
    ignore_changes = [desired_capacity]
  }
}

resource "aws_ecs_capacity_provider" "ec2" {
  for_each = local.ec2

  name = each.value.capacity_provider_name

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.instances[each.key].arn
    managed_termination_protection = "ENABLED"
    # ECS drains an instance before the group terminates it: no new task lands there.
    managed_draining = "ENABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = each.value.target_capacity
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = each.value.max_size
      instance_warmup_period    = 300
    }
  }

  tags = var.tags
}
