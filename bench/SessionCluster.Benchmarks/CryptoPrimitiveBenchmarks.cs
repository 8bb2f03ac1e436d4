using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The primitives under every Signal message, ours against .NET's built-ins, at the sizes one message
/// uses: a chain step MACs 1 byte, the message MAC covers two 33-byte identity keys and ~154 bytes of
/// serialized message, the message keys are HKDF(32-byte seed, no salt, "WhisperMessageKeys") → 80
/// bytes, and a 100-byte plaintext encrypts to 112 bytes of AES-256-CBC under a fresh key.
/// </summary>
/// <remarks>
/// Each category has .NET's call as its baseline, so the Ratio column reads as "fraction of .NET's time".
/// Key schedules are inside every measurement because Signal never reuses a message key. The "managed"
/// rows are our fallback SHA-256, used only when OpenSSL's low-level functions cannot be loaded.
/// </remarks>
[Config(typeof(SuiteConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class CryptoPrimitiveBenchmarks
{
    private const string Hmac = "HMAC-SHA256, 64 B";
    private const string ChainStep = "HMAC-SHA256 chain step (1 B, twice, one key)";
    private const string MessageMac = "HMAC-SHA256 message MAC (new key, 33 + 33 + 154 B)";
    private const string KeyPreparation = "HMAC-SHA256 key preparation";
    private const string Derive = "HKDF-SHA256, 32 B in, 80 B out";
    private const string Encrypt = "AES-256-CBC encrypt, 100 B → 112 B";
    private const string Decrypt = "AES-256-CBC decrypt, 112 B → 100 B";

    private readonly byte[] _key = new byte[32];
    private readonly byte[] _message64 = new byte[64];
    private readonly byte[] _senderIdentity = new byte[33];
    private readonly byte[] _receiverIdentity = new byte[33];
    private readonly byte[] _serialized = new byte[154];
    private readonly byte[] _concatenated = new byte[220];
    private readonly byte[] _mac = new byte[32];
    private readonly byte[] _nextChainKey = new byte[32];
    private readonly byte[] _seed = new byte[32];
    private readonly byte[] _info = "WhisperMessageKeys"u8.ToArray();
    private readonly byte[] _messageKeys = new byte[80];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _plaintext = new byte[100];
    private readonly byte[] _ciphertext = new byte[112];
    private readonly byte[] _decrypted = new byte[112];
    private HmacSha256Key _preparedKey;
    private HmacSha256Key _preparedManagedKey;
    private System.Security.Cryptography.Aes? _dotnetAes;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0xC_0DE);
        foreach (var buffer in new[] { _key, _message64, _senderIdentity, _receiverIdentity, _serialized, _seed, _iv, _plaintext })
        {
            random.NextBytes(buffer);
        }

        _senderIdentity.CopyTo(_concatenated, 0);
        _receiverIdentity.CopyTo(_concatenated, 33);
        _serialized.CopyTo(_concatenated, 66);
        _preparedKey = new HmacSha256Key(_key);
        _preparedManagedKey = new HmacSha256Key(_key, Sha256Backend.Managed);
        AesCbc.Encrypt(_key, _iv, _plaintext, _ciphertext);

        // One long-lived instance, keyed per call: the cheapest way .NET offers to change keys.
        _dotnetAes = System.Security.Cryptography.Aes.Create();
    }

    [GlobalCleanup]
    public void Cleanup() => _dotnetAes?.Dispose();

    [Benchmark(Baseline = true, Description = ".NET HMACSHA256.HashData")]
    [BenchmarkCategory(Hmac)]
    public void DotnetHmac() => HMACSHA256.HashData(_key, _message64, _mac);

    [Benchmark(Description = "HmacSha256.Compute (one-shot)")]
    [BenchmarkCategory(Hmac)]
    public void OneShotHmac() => HmacSha256.Compute(_key, _message64, _mac);

    [Benchmark(Description = "HmacSha256Key.Compute (prepared key)")]
    [BenchmarkCategory(Hmac)]
    public void PreparedHmac() => _preparedKey.Compute(_message64, _mac);

    [Benchmark(Description = "HmacSha256Key.Compute (prepared key, managed SHA-256)")]
    [BenchmarkCategory(Hmac)]
    public void PreparedManagedHmac() => _preparedManagedKey.Compute(_message64, _mac);

    [Benchmark(Baseline = true, Description = ".NET HMACSHA256.HashData ×2")]
    [BenchmarkCategory(ChainStep)]
    public void DotnetChainStep()
    {
        HMACSHA256.HashData(_key, [0x01], _mac);
        HMACSHA256.HashData(_key, [0x02], _nextChainKey);
    }

    [Benchmark(Description = "new HmacSha256Key + Compute ×2")]
    [BenchmarkCategory(ChainStep)]
    public void ChainStepHmac()
    {
        var chainKey = new HmacSha256Key(_key);
        chainKey.Compute([0x01], _mac);
        chainKey.Compute([0x02], _nextChainKey);
    }

    [Benchmark(Baseline = true, Description = ".NET HMACSHA256.HashData (concatenated)")]
    [BenchmarkCategory(MessageMac)]
    public void DotnetMessageMac() => HMACSHA256.HashData(_key, _concatenated, _mac);

    [Benchmark(Description = "new HmacSha256Key + Compute (3 parts)")]
    [BenchmarkCategory(MessageMac)]
    public void MessageMacHmac() => new HmacSha256Key(_key).Compute(_senderIdentity, _receiverIdentity, _serialized, _mac);

    [Benchmark(Description = "new HmacSha256Key (32-byte key)")]
    [BenchmarkCategory(KeyPreparation)]
    public HmacSha256Key PrepareKey() => new(_key);

    [Benchmark(Baseline = true, Description = ".NET HKDF.DeriveKey")]
    [BenchmarkCategory(Derive)]
    public void DotnetHkdf() => HKDF.DeriveKey(HashAlgorithmName.SHA256, _seed, _messageKeys, [], _info);

    [Benchmark(Description = "Hkdf.DeriveSha256")]
    [BenchmarkCategory(Derive)]
    public void OurHkdf() => Hkdf.DeriveSha256(_seed, [], _info, _messageKeys);

    [Benchmark(Description = "Hkdf.DeriveSha256 (managed SHA-256)")]
    [BenchmarkCategory(Derive)]
    public void ManagedHkdf() => Hkdf.DeriveSha256(_seed, [], _info, _messageKeys, Sha256Backend.Managed);

    [Benchmark(Baseline = true, Description = ".NET Aes.SetKey + EncryptCbc")]
    [BenchmarkCategory(Encrypt)]
    public int DotnetEncrypt()
    {
        _dotnetAes!.SetKey(_key);
        return _dotnetAes.EncryptCbc(_plaintext, _iv, _ciphertext, PaddingMode.PKCS7);
    }

    [Benchmark(Description = "AesCbc.Encrypt (AES-NI)")]
    [BenchmarkCategory(Encrypt)]
    public int OurEncrypt() => AesCbc.Encrypt(_key, _iv, _plaintext, _ciphertext);

    [Benchmark(Baseline = true, Description = ".NET Aes.SetKey + DecryptCbc")]
    [BenchmarkCategory(Decrypt)]
    public int DotnetDecrypt()
    {
        _dotnetAes!.SetKey(_key);
        return _dotnetAes.DecryptCbc(_ciphertext, _iv, _decrypted, PaddingMode.PKCS7);
    }

    [Benchmark(Description = "AesCbc.TryDecrypt (AES-NI)")]
    [BenchmarkCategory(Decrypt)]
    public int OurDecrypt()
    {
        AesCbc.TryDecrypt(_key, _iv, _ciphertext, _decrypted, out var length);
        return length;
    }
}
