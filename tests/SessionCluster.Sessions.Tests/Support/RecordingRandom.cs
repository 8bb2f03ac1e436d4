using System.Security.Cryptography;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>A real random source that remembers every draw, so a test can look for the keys made from it.</summary>
internal sealed class RecordingRandom : RandomNumberGenerator
{
    private readonly List<byte[]> _draws = [];

    public IReadOnlyList<byte[]> Draws
    {
        get
        {
            lock (_draws)
            {
                return [.. _draws];
            }
        }
    }

    public override void GetBytes(byte[] data) => GetBytes(data.AsSpan());

    public override void GetBytes(Span<byte> data)
    {
        RandomNumberGenerator.Fill(data);
        lock (_draws)
        {
            _draws.Add(data.ToArray());
        }
    }

    public override void GetNonZeroBytes(byte[] data) => throw new InvalidOperationException("not used by the code under test");
}
