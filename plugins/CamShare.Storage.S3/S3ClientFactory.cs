using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace CamShare.Storage.S3;

/// <summary>Builds the AWSSDK client from the options, with settings that work on AWS and on S3-compatible stores.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StorageOptions options) => Create(options, options.SecretAccessKey);

    /// <summary>Creates a client; <paramref name="secret"/> is separate so that tests can pass a wrong one.</summary>
    internal static AmazonS3Client Create(S3StorageOptions options, string secret)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.EffectivePathStyle,
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            // The host owns retries and backoff; the SDK still retries a couple of times for dropped connections
            // and throttling inside one request so that a single blip does not fail a whole multipart upload.
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 2,
            // AWSSDK v4 defaults to WHEN_SUPPORTED: every PUT is sent aws-chunked with a CRC32 trailer and responses
            // are validated against x-amz-checksum-*. Many S3-compatible stores reject or mis-store that (B2, R2 older
            // releases, Garage, Ceph, s3rver). WHEN_REQUIRED sends plain bodies; we verify with Content-MD5 ourselves.
            RequestChecksumCalculation = options.FlexibleChecksums
                ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = options.FlexibleChecksums
                ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.UsesCustomEndpoint)
        {
            var endpoint = new Uri(options.Endpoint.Trim());
            config.ServiceURL = endpoint.GetLeftPart(UriPartial.Authority);
            config.UseHttp = endpoint.Scheme == Uri.UriSchemeHttp;
            config.AuthenticationRegion = options.EffectiveRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.EffectiveRegion);
        }

        if (!string.IsNullOrWhiteSpace(options.AccessKeyId))
        {
            AWSCredentials credentials = string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId.Trim(), secret)
                : new SessionAWSCredentials(options.AccessKeyId.Trim(), secret, options.SessionToken);
            return new AmazonS3Client(credentials, config);
        }
        if (!string.IsNullOrWhiteSpace(options.Profile))
            config.Profile = new Profile(options.Profile.Trim());
        return new AmazonS3Client(config); // the SDK's default credential chain (env, profile, container/instance role)
    }
}
