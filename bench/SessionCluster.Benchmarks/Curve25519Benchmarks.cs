using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Math.EC.Rfc8032;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Curve25519 on libsodium (the NuGet package's 1.0.22, what the protocol code uses) beside BouncyCastle.Cryptography
/// 2.7.0 (managed), one process, the same keys and a 33-byte message (a serialized public key, what a signed prekey
/// signs). X25519 rows call each library's primitive straight into a span, so only the curve arithmetic differs.
/// </summary>
/// <remarks>
/// <para>
/// BouncyCastle has no XEdDSA. Its Ed25519 signs only from a 32-byte seed that it hashes and clamps itself (RFC 8032),
/// and its scalar-times-base-point code is private, so it cannot sign with XEdDSA's scalar (the clamped Montgomery
/// private key, used as is). Its rows are plain Ed25519: the cost of the same curve work, not a drop-in replacement.
/// Verification does carry over: "XEdDSA verify via BouncyCastle" converts the Montgomery key to Edwards with our
/// <see cref="MontgomeryToEdwards"/>, moves the sign bit as <see cref="XEdDsa.Verify"/> does and calls
/// BouncyCastle's <c>Ed25519.Verify</c>; setup checks it accepts our signature.
/// </para>
/// <para>
/// Our XEdDSA signing computes the Edwards public key on every call (two base-point multiplications, as libsignal
/// does), so the fair BouncyCastle row is <c>Sign(sk, m, sig)</c>, which also derives its public key each time; the
/// row with the public key passed in shows what one multiplication fewer costs. Ratio: time ÷ libsodium's time.
/// </para>
/// </remarks>
[Config(typeof(SuiteConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Curve25519Benchmarks
{
    private const string PublicKey = "X25519 public key from private key";
    private const string Agreement = "X25519 shared secret";
    private const string Sign = "Sign 33 B (XEdDSA on libsodium, Ed25519 on BouncyCastle)";
    private const string Verify = "Verify 33 B (XEdDSA on libsodium, Ed25519 on BouncyCastle)";

    private readonly byte[] _privateKey = new byte[32];
    private readonly byte[] _peerPublicKey = new byte[32];
    private readonly byte[] _message = new byte[33];
    private readonly byte[] _random = new byte[64];
    private readonly byte[] _output = new byte[32];
    private readonly byte[] _signature = new byte[64];
    private readonly byte[] _xedSignature = new byte[64];
    private readonly byte[] _montgomeryPublicKey = new byte[32];
    private readonly byte[] _edSeed = new byte[32];
    private readonly byte[] _edPublicKey = new byte[32];
    private readonly byte[] _edSignature = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0x25519);
        random.NextBytes(_privateKey);
        random.NextBytes(_message);
        random.NextBytes(_random);
        random.NextBytes(_edSeed);
        Curve25519.Clamp(_privateKey);
        var peer = Curve25519.GenerateKeyPair();
        peer.PublicKey.Span.CopyTo(_peerPublicKey);
        Curve25519.PublicKeyOf(_privateKey).CopyTo(_montgomeryPublicKey);
        XEdDsa.Sign(_privateKey, _message, _random, _xedSignature);

        // BouncyCastle builds its base-point tables lazily; build them here so no measurement pays for them.
        X25519.Precompute();
        Ed25519.Precompute();
        Ed25519.GeneratePublicKey(_edSeed, _edPublicKey);
        Ed25519.Sign(_edSeed, _message, _edSignature);

        // Both libraries must compute the same thing, or the comparison means nothing.
        Span<byte> theirs = stackalloc byte[32];
        X25519.ScalarMultBase(_privateKey, theirs);
        Require(theirs.SequenceEqual(_montgomeryPublicKey), "public keys differ");
        Span<byte> ours = stackalloc byte[32];
        Curve25519.SharedSecret(_privateKey, _peerPublicKey, ours);
        Require(X25519.CalculateAgreement(_privateKey, _peerPublicKey, theirs) && theirs.SequenceEqual(ours), "shared secrets differ");
        Require(XEdDsa.Verify(_montgomeryPublicKey, _message, _xedSignature), "our XEdDSA signature does not verify");
        Require(BouncyCastleXEdDsaVerify(), "BouncyCastle rejects our XEdDSA signature");
        Require(Ed25519.Verify(_edSignature, _edPublicKey, _message), "BouncyCastle rejects its own Ed25519 signature");

        // Printed into the BenchmarkDotNet log: which libsodium this benchmark process really measured.
        Console.WriteLine($"// libsodium {Marshal.PtrToStringUTF8(Sodium.sodium_version_string())} loaded from {Sodium.LoadedFrom}");
    }

    [Benchmark(Baseline = true, Description = "libsodium crypto_scalarmult_curve25519_base")]
    [BenchmarkCategory(PublicKey)]
    public int SodiumPublicKey() => Sodium.crypto_scalarmult_curve25519_base(_output, _privateKey);

    [Benchmark(Description = "BouncyCastle X25519.ScalarMultBase")]
    [BenchmarkCategory(PublicKey)]
    public byte BouncyCastlePublicKey()
    {
        X25519.ScalarMultBase(_privateKey, _output);
        return _output[0];
    }

    [Benchmark(Baseline = true, Description = "libsodium Curve25519.SharedSecret")]
    [BenchmarkCategory(Agreement)]
    public byte SodiumAgreement()
    {
        Curve25519.SharedSecret(_privateKey, _peerPublicKey, _output);
        return _output[0];
    }

    [Benchmark(Description = "BouncyCastle X25519.CalculateAgreement")]
    [BenchmarkCategory(Agreement)]
    public bool BouncyCastleAgreement() => X25519.CalculateAgreement(_privateKey, _peerPublicKey, _output);

    [Benchmark(Baseline = true, Description = "libsodium XEdDsa.Sign (random bytes given)")]
    [BenchmarkCategory(Sign)]
    public byte SodiumXEdDsaSign()
    {
        XEdDsa.Sign(_privateKey, _message, _random, _signature);
        return _signature[0];
    }

    [Benchmark(Description = "BouncyCastle Ed25519.Sign (derives the public key)")]
    [BenchmarkCategory(Sign)]
    public byte BouncyCastleSign()
    {
        Ed25519.Sign(_edSeed, _message, _signature);
        return _signature[0];
    }

    [Benchmark(Description = "BouncyCastle Ed25519.Sign (public key given)")]
    [BenchmarkCategory(Sign)]
    public byte BouncyCastleSignWithPublicKey()
    {
        Ed25519.Sign(_edSeed, _edPublicKey, _message, _signature);
        return _signature[0];
    }

    [Benchmark(Baseline = true, Description = "libsodium XEdDsa.Verify")]
    [BenchmarkCategory(Verify)]
    public bool SodiumXEdDsaVerify() => XEdDsa.Verify(_montgomeryPublicKey, _message, _xedSignature);

    [Benchmark(Description = "BouncyCastle Ed25519.Verify")]
    [BenchmarkCategory(Verify)]
    public bool BouncyCastleVerify() => Ed25519.Verify(_edSignature, _edPublicKey, _message);

    [Benchmark(Description = "XEdDSA verify via BouncyCastle (our key conversion + Ed25519.Verify)")]
    [BenchmarkCategory(Verify)]
    public bool BouncyCastleXEdDsaVerify()
    {
        Span<byte> edPublic = stackalloc byte[32];
        if (!MontgomeryToEdwards.TryConvert(_montgomeryPublicKey, edPublic))
        {
            return false;
        }

        edPublic[31] |= (byte)(_xedSignature[63] & 0x80);
        Span<byte> signature = stackalloc byte[64];
        _xedSignature.CopyTo(signature);
        signature[63] &= 0x7F;
        return Ed25519.Verify(signature, edPublic, _message);
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Curve25519Benchmarks setup: {what}.");
        }
    }
}
