# S3 bucket for Terraform state with S3-native lockfile locking (`use_lockfile = true` in the
# backend, Terraform >= 1.10): the lock is a `<key>.tflock` object in this same bucket, so no
# DynamoDB table is needed.

# Accepted (trivy AWS-0089, same as checkov CKV_AWS_18 below): no server access logging bucket.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:server access logs need a second, separately protected bucket; who read or wrote state is CloudTrail's job (S3 data events), configured per account, not per bucket
  #checkov:skip=CKV2_AWS_62:nothing consumes state-change notifications; versioning already keeps every write
  #checkov:skip=CKV_AWS_144:versioning and noncurrent-version expiry protect against overwrite and deletion; a replica in a second region is an account-level disaster-recovery decision with its own bucket and role
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

# ACLs disabled: access is governed by policies only.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Every state write is kept: a bad apply can be rolled back to an earlier version.
resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # Fewer KMS requests (and cost) for SSE-KMS; ignored for SSE-S3.
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Saved plans (`terraform plan -out`) hold sensitive values in clear text and are only useful until
  # they are applied or go stale: they expire after saved_plan_expiration_days, and `npm run apply`
  # refuses a plan older than that (delivery/saved-plans.ts SAVED_PLAN_MAX_AGE_DAYS, passed here by
  # npm run bootstrap:state). In a versioned bucket the expiration only adds a delete marker; the
  # noncurrent version it leaves is deleted a day later, and S3 then removes the expired delete
  # marker itself ("Expiring objects", S3 user guide). Where this rule and the one above overlap, S3
  # honours the shorter expiration ("How Amazon S3 handles conflicts in lifecycle configurations").
  rule {
    id     = "expire-saved-plans"
    status = "Enabled"

    filter {
      prefix = var.saved_plans_prefix
    }

    expiration {
      days = var.saved_plan_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  # Lifecycle rules on noncurrent versions need versioning in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

# TLS only. A Deny statement: the `*` principal and `s3:*` action are how "nobody, for any action"
# is written; they grant nothing.
data "aws_iam_policy_document" "tls_only" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.this.arn,
      "${aws_s3_bucket.this.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.tls_only.json

  # S3 rejects policies while the public access block is being changed concurrently.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
