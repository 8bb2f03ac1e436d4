using BenchmarkDotNet.Attributes;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Benchmarks;

/// <summary>
/// One direction of the Noise transport (AES-256-GCM, counter nonce) on a 100-byte frame (a receipt or
/// an ack) and a 64 KiB frame (a large prekey upload or history sync chunk). Times are per frame.
/// </summary>
/// <remarks>
/// A receiver only accepts frames in counter order, so a decrypt benchmark cannot decrypt the same
/// frame twice. Each decrypt operation therefore decrypts a batch of frames that a sender encrypted
/// with counters 0…n−1, using a receiver created for that batch whose counter starts at 0, exactly as
/// after a handshake. The receiver's construction (AES key schedule) is included, amortized over the
/// batch; <see cref="NewCipher"/> measures it alone so its share can be read off.
/// Encryption uses one long-lived cipher: it cannot run out of nonces within a benchmark run
/// (2^32 frames would take well over ten minutes).
/// </remarks>
[Config(typeof(SuiteConfig))]
public class NoiseTransportBenchmarks
{
    private const int SmallFrame = 100;
    private const int LargeFrame = 64 * 1024;

    // Batches large enough to amortize a key schedule, small enough that their ciphertexts stay in cache.
    private const int SmallBatch = 1024;
    private const int LargeBatch = 16;

    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private readonly byte[] _smallPlaintext = new byte[SmallFrame];
    private readonly byte[] _largePlaintext = new byte[LargeFrame];
    private readonly byte[] _smallCiphertext = new byte[SmallFrame + NoiseProtocol.TagSize];
    private readonly byte[] _largeCiphertext = new byte[LargeFrame + NoiseProtocol.TagSize];
    private readonly byte[] _smallDecrypted = new byte[SmallFrame];
    private readonly byte[] _largeDecrypted = new byte[LargeFrame];
    private TransportCipher? _encryptor;
    private byte[][] _smallBatch = [];
    private byte[][] _largeBatch = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0x401_5E);
        random.NextBytes(_smallPlaintext);
        random.NextBytes(_largePlaintext);
        _encryptor = new TransportCipher(Key);
        _smallBatch = EncryptBatch(_smallPlaintext, SmallBatch);
        _largeBatch = EncryptBatch(_largePlaintext, LargeBatch);
    }

    [GlobalCleanup]
    public void Cleanup() => _encryptor?.Dispose();

    [Benchmark(OperationsPerInvoke = SmallBatch)]
    public void Encrypt100B()
    {
        var cipher = _encryptor!;
        for (var i = 0; i < SmallBatch; i++)
        {
            cipher.Encrypt(_smallPlaintext, _smallCiphertext);
        }
    }

    [Benchmark(OperationsPerInvoke = LargeBatch)]
    public void Encrypt64KiB()
    {
        var cipher = _encryptor!;
        for (var i = 0; i < LargeBatch; i++)
        {
            cipher.Encrypt(_largePlaintext, _largeCiphertext);
        }
    }

    [Benchmark(OperationsPerInvoke = SmallBatch)]
    public void Decrypt100B() => DecryptBatch(_smallBatch, _smallDecrypted);

    [Benchmark(OperationsPerInvoke = LargeBatch)]
    public void Decrypt64KiB() => DecryptBatch(_largeBatch, _largeDecrypted);

    /// <summary>What each decrypt batch pays once: a new receiver (AES-GCM key schedule and handle).</summary>
    [Benchmark]
    public uint NewCipher()
    {
        using var cipher = new TransportCipher(Key);
        return cipher.Counter;
    }

    private static void DecryptBatch(byte[][] batch, byte[] plaintext)
    {
        using var receiver = new TransportCipher(Key);
        foreach (var frame in batch)
        {
            receiver.Decrypt(frame, plaintext);
        }
    }

    private static byte[][] EncryptBatch(byte[] plaintext, int count)
    {
        using var sender = new TransportCipher(Key);
        var batch = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            batch[i] = sender.Encrypt(plaintext);
        }

        return batch;
    }
}
