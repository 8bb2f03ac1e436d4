using System.Security.Cryptography;

namespace SessionCluster.Benchmarks.Media;

/// <summary>
/// The plaintext files both sides encrypt: random bytes (incompressible, as a real document's payload mostly is) of
/// 10^6 × size bytes, written once to a temporary folder; the folder goes with <see cref="Dispose"/>.
/// </summary>
internal sealed class MediaFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sc-bench-media-").FullName;

    public MediaFiles(IEnumerable<int> megabytes)
    {
        var chunk = new byte[1 << 20];
        foreach (var mb in megabytes)
        {
            var path = PathOf(mb);
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            var left = Bytes(mb);
            while (left > 0)
            {
                RandomNumberGenerator.Fill(chunk);
                var n = (int)Math.Min(chunk.Length, left);
                file.Write(chunk, 0, n);
                left -= n;
            }
        }
    }

    public string Folder => _folder;

    public static long Bytes(int megabytes) => megabytes * 1_000_000L;

    public string PathOf(int megabytes) => Path.Combine(_folder, $"plain-{megabytes}MB.bin");

    /// <summary>A fresh read of the file, as an upload's caller would hand it over.</summary>
    public FileStream Open(int megabytes) =>
        new(PathOf(megabytes), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
