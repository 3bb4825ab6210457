output "bucket_name" {
  description = "Name of the state bucket (the backend's `bucket`)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the state bucket, for IAM policies of the roles that plan and deploy."
  value       = aws_s3_bucket.this.arn
}

output "bucket_region" {
  description = "Region of the state bucket (the backend's `region`)."
  value       = aws_s3_bucket.this.region
}
