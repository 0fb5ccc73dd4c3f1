using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using CamShare.Abstractions;

namespace CamShare.Storage.S3;

[Description("Amazon S3 or any S3-compatible object store (Backblaze B2, Wasabi, Cloudflare R2, MinIO, Garage, Ceph). " +
            "Uploads are verified (Content-MD5 and size); large files go multipart.")]
public sealed class S3StorageOptions : IValidatableObject
{
    public const int MinPartSizeMiB = 5;       // S3's minimum for every part but the last
    // S3 allows 5 GiB parts and single PUTs, but both are held in memory (Content-MD5 is a header): keep them sane.
    public const int MaxPartSizeMiB = 1024;
    public const int MaxThresholdMiB = 1024;
    public const int MaxConcurrency = 16;

    [Required, Description("Bucket that receives the recordings. It must exist already.")]
    public string Bucket { get; set; } = "";

    [Description("Key prefix inside the bucket, e.g. \"cams/\". Every object CamShare writes, lists or deletes lives under it.")]
    public string Prefix { get; set; } = "";

    [Description("Region, e.g. \"eu-central-1\". Required for AWS; for other stores their region name (\"auto\" for R2), default \"us-east-1\".")]
    public string Region { get; set; } = "";

    [Description("Endpoint URL of an S3-compatible store, e.g. \"https://s3.us-west-004.backblazeb2.com\" or \"http://minio.lan:9000\". Empty for AWS.")]
    public string Endpoint { get; set; } = "";

    [Description("Path-style addressing (https://host/bucket/key) instead of virtual-host style (https://bucket.host/key). " +
                "Default: true when an endpoint is set (MinIO, Garage, Ceph need it), false for AWS.")]
    public bool? PathStyle { get; set; }

    [Description("Access key ID. Leave it and the secret empty to use the AWS default credential chain " +
                "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, instance or container role) or \"profile\".")]
    public string AccessKeyId { get; set; } = "";

    [Secret, Description("Secret access key. Prefer secretAccessKeyEnv (an environment variable) or secretAccessKeyFile.")]
    public string SecretAccessKey { get; set; } = "";

    [Secret, Description("Session token for temporary credentials (optional).")]
    public string SessionToken { get; set; } = "";

    [Description("Named profile from ~/.aws/credentials or ~/.aws/config, used when no access key is given.")]
    public string Profile { get; set; } = "";

    [Description("Storage class for new objects, e.g. STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR. Empty: the bucket's default.")]
    public string StorageClass { get; set; } = "";

    [Description("Server-side encryption: \"\" (the bucket's default), \"AES256\" (SSE-S3) or \"aws:kms\" (SSE-KMS).")]
    public string ServerSideEncryption { get; set; } = "";

    [Description("KMS key ID or ARN for serverSideEncryption \"aws:kms\" (empty: the AWS managed key).")]
    public string KmsKeyId { get; set; } = "";

    [Description("Files larger than this many MiB are uploaded in parts (multipart upload); smaller ones in one request, " +
                "buffered in memory to compute their Content-MD5 (5 to 1024).")]
    public int MultipartThresholdMiB { get; set; } = 16;

    [Description("Size of each multipart part in MiB (5 to 1024). Memory used per upload is about partSizeMiB x concurrency.")]
    public int PartSizeMiB { get; set; } = 8;

    [Description("How many parts of one file are sent at the same time (1 to 16).")]
    public int Concurrency { get; set; } = 2;

    [Description("Let AWSSDK add its own CRC checksums (aws-chunked uploads with a checksum trailer, response validation). " +
                "Only AWS S3 and a few stores accept it; off by default (uploads are still verified with Content-MD5 and size).")]
    public bool FlexibleChecksums { get; set; }

    [Description("Seconds one HTTP request may take before it is abandoned as a transient failure.")]
    public int RequestTimeoutSeconds { get; set; } = 300;

    [Description("Multipart uploads under the prefix left unfinished for this many hours (e.g. by a crash) are aborted " +
                "when the provider starts; 0 disables.")]
    public int AbortStaleUploadsAfterHours { get; set; } = 24;

    /// <summary>The prefix as stored: no leading '/', exactly one trailing '/' (or empty).</summary>
    public string NormalizedPrefix
    {
        get
        {
            var p = (Prefix ?? "").Trim().Trim('/');
            return p.Length == 0 ? "" : p + "/";
        }
    }

    public bool UsesCustomEndpoint => !string.IsNullOrWhiteSpace(Endpoint);

    public bool EffectivePathStyle => PathStyle ?? UsesCustomEndpoint;

    public string EffectiveRegion => string.IsNullOrWhiteSpace(Region) ? "us-east-1" : Region.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
            yield return new ValidationResult("set it to the name of an existing bucket, e.g. \"my-camera-archive\"", ["bucket"]);
        else if (Bucket.Contains('/') || Bucket.Any(char.IsWhiteSpace))
            yield return new ValidationResult("give only the bucket's name (no '/', no spaces); put folders in \"prefix\"", ["bucket"]);

        var prefix = (Prefix ?? "").Trim().Trim('/');
        if (prefix.Contains("//") || prefix.Split('/').Any(s => s is "." or ".."))
            yield return new ValidationResult("use a plain folder-like prefix such as \"cams/\" (no empty, '.' or '..' segments)", ["prefix"]);
        if (prefix.Contains('\\'))
            yield return new ValidationResult("separate prefix folders with '/', not '\\'", ["prefix"]);

        if (UsesCustomEndpoint)
        {
            if (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                yield return new ValidationResult("give a full URL such as \"https://s3.example.com\" or \"http://127.0.0.1:9000\"", ["endpoint"]);
            else if (uri.AbsolutePath.Trim('/').Length > 0 || uri.Query.Length > 0)
                yield return new ValidationResult("give only scheme, host and port; the bucket goes in \"bucket\" and folders in \"prefix\"", ["endpoint"]);
        }
        else if (string.IsNullOrWhiteSpace(Region))
        {
            yield return new ValidationResult("set the bucket's AWS region, e.g. \"eu-central-1\" (or set \"endpoint\" for an S3-compatible store)", ["region"]);
        }

        var hasKey = !string.IsNullOrWhiteSpace(AccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(SecretAccessKey);
        if (hasKey && !hasSecret)
            yield return new ValidationResult("accessKeyId is set but the secret is missing: set secretAccessKeyEnv or secretAccessKeyFile", ["secretAccessKey"]);
        if (!hasKey && hasSecret)
            yield return new ValidationResult("a secret access key is set but accessKeyId is empty", ["accessKeyId"]);
        if (!string.IsNullOrEmpty(SessionToken) && !hasKey)
            yield return new ValidationResult("a session token needs accessKeyId and secretAccessKey too", ["sessionToken"]);
        if (hasKey && !string.IsNullOrWhiteSpace(Profile))
            yield return new ValidationResult("give either accessKeyId/secretAccessKey or profile, not both", ["profile"]);

        if (ServerSideEncryption is not ("" or null or "AES256" or "aws:kms" or "aws:kms:dsse"))
            yield return new ValidationResult("use \"AES256\", \"aws:kms\", \"aws:kms:dsse\" or leave it empty", ["serverSideEncryption"]);
        if (!string.IsNullOrWhiteSpace(KmsKeyId) && ServerSideEncryption is not ("aws:kms" or "aws:kms:dsse"))
            yield return new ValidationResult("a KMS key needs serverSideEncryption \"aws:kms\"", ["kmsKeyId"]);
        if (!string.IsNullOrWhiteSpace(StorageClass) && !StorageClass.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            yield return new ValidationResult("use an S3 storage class name in capitals, e.g. \"STANDARD_IA\"", ["storageClass"]);

        if (PartSizeMiB is < MinPartSizeMiB or > MaxPartSizeMiB)
            yield return new ValidationResult($"use a value from {MinPartSizeMiB} to {MaxPartSizeMiB} (S3's minimum part size; each part is held in memory)", ["partSizeMiB"]);
        if (MultipartThresholdMiB < MinPartSizeMiB)
            yield return new ValidationResult($"use at least {MinPartSizeMiB}; smaller files are always sent in one request", ["multipartThresholdMiB"]);
        if (MultipartThresholdMiB > MaxThresholdMiB)
            yield return new ValidationResult($"use at most {MaxThresholdMiB} (a single PUT is held in memory to compute its Content-MD5)", ["multipartThresholdMiB"]);
        if (Concurrency is < 1 or > MaxConcurrency)
            yield return new ValidationResult($"use a value from 1 to {MaxConcurrency}", ["concurrency"]);
        if (RequestTimeoutSeconds is < 5 or > 3600)
            yield return new ValidationResult("use a value from 5 to 3600", ["requestTimeoutSeconds"]);
        if (AbortStaleUploadsAfterHours < 0)
            yield return new ValidationResult("use 0 (never) or a number of hours", ["abortStaleUploadsAfterHours"]);
    }
}
