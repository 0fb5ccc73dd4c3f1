using System.Diagnostics;
using System.Globalization;
using CamShare.Crypt;

// CryptBench encrypt|decrypt INPUT OUTPUT: one pass through CamShare's streams, as the upload path does it
// (64 KiB reads from the file, block-by-block encryption), printing "seconds bytes" for the script's table.
if (args.Length != 3 || args[0] is not ("encrypt" or "decrypt"))
{
    Console.Error.WriteLine("usage: CryptBench encrypt|decrypt INPUT OUTPUT   (password from CRYPTBENCH_PASSWORD)");
    return 2;
}
var keys = RcloneCryptKeys.Derive(Environment.GetEnvironmentVariable("CRYPTBENCH_PASSWORD") ?? "benchmark");
var watch = Stopwatch.StartNew();
await using (var input = new FileStream(args[1], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
await using (var output = new FileStream(args[2], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
{
    Stream transformed = args[0] == "encrypt"
        ? new RcloneEncryptingStream(input, keys.DataKey, RcloneCryptFormat.NewNonce(), input.Length, leaveOpen: true)
        : new RcloneDecryptingStream(input, keys.DataKey, leaveOpen: true);
    await using (transformed) await transformed.CopyToAsync(output, 1 << 16);
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{watch.Elapsed.TotalSeconds:0.000} {new FileInfo(args[1]).Length}"));
return 0;
