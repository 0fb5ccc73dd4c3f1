using CamShare.Abstractions;
using CamShare.Core.Pipeline;
using CamShare.Core.Spool;
using CamShare.Viewer;

namespace CamShare.ViewerHost.Tests.Fixtures;

/// <summary>
/// Test-only stand-in for the encryption transform (until CamShare.Crypt's CryptTransform is merged): rclone's
/// crypt content format with filenameEncryption "off" (the name gets ".bin"), the whole segment encrypted once
/// into a file of <paramref name="folder"/> so that retries upload identical bytes.
/// </summary>
internal sealed class TestCryptTransform(byte[] dataKey, string folder) : ISegmentTransform
{
    public PreparedUpload Prepare(SpoolSegment segment, string key)
    {
        var encrypted = Path.Combine(folder, segment.FileName + ".bin");
        if (!File.Exists(encrypted))
            File.WriteAllBytes(encrypted, RcloneCryptFormat.Encrypt(File.ReadAllBytes(segment.Path), dataKey));
        return new PreparedUpload(key + ".bin", UploadSource.FromFile(encrypted),
            (algorithm, ct) => Task.FromResult<ObjectChecksum?>(algorithm == ChecksumAlgorithms.Md5
                ? ObjectChecksum.Of(algorithm, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(encrypted))))
                : null));
    }
}
