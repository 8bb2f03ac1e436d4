using BenchmarkDotNet.Attributes;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The Signal engine on the operations bench/node/libsignal-bench.mjs measures for libsignal-node, so
/// the two can be compared in one run (bench/run-signal-benchmarks.sh). Records are immutable values,
/// so the encrypt and decrypt benchmarks start every invocation from the same established session and
/// walk a batch of <see cref="Batch"/> consecutive messages: no per-iteration setup is needed.
/// </summary>
[Config(typeof(SuiteConfig))]
public class SignalBenchmarks
{
    private const int Batch = 1024;
    private const int MessageBytes = 100;

    private readonly byte[] _message = new byte[MessageBytes];
    private LocalIdentity _alice = null!;
    private LocalIdentity _bob = null!;
    private SessionRecord _aliceSession = SessionRecord.Empty;
    private SessionRecord _bobSession = SessionRecord.Empty;
    private CiphertextMessage[] _aliceToBob = [];
    private PreKeyBundle _bundle = null!;
    private KeyPair _ours = null!;
    private KeyPair _theirs = null!;
    private byte[] _signedMessage = [];
    private byte[] _signature = [];
    private readonly byte[] _block = new byte[64];
    private readonly byte[] _aesKey = new byte[32];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _ciphertext = new byte[112];
    private readonly byte[] _decrypted = new byte[112];

    [GlobalSetup]
    public void Setup()
    {
        new Random(20261122).NextBytes(_message);
        _alice = KeyHelper.GenerateIdentity();
        _bob = KeyHelper.GenerateIdentity();
        var signedPreKey = KeyHelper.GenerateSignedPreKey(_bob.IdentityKey, 1);
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        var bobKeys = new PreKeys(preKey, signedPreKey);
        _bundle = new PreKeyBundle(_bob.RegistrationId, _bob.IdentityKey.PublicKey, signedPreKey.Id, signedPreKey.KeyPair.PublicKey, signedPreKey.Signature, preKey.Id, preKey.KeyPair.PublicKey);

        // One round trip, so both sides hold an established session and Alice sends plain WhisperMessages.
        var alice = SessionBuilder.ProcessBundle(SessionRecord.Empty, _alice, _bundle);
        var first = SessionCipher.Encrypt(alice, _alice, "hello"u8);
        var bob = SessionCipher.Decrypt(SessionRecord.Empty, _bob, first.Message, bobKeys).Record;
        var reply = SessionCipher.Encrypt(bob, _bob, "hi"u8);
        _aliceSession = SessionCipher.Decrypt(first.Record, _alice, reply.Message, NoPreKeys.Instance).Record;
        _bobSession = reply.Record;

        _aliceToBob = new CiphertextMessage[Batch];
        var sending = _aliceSession;
        for (var i = 0; i < Batch; i++)
        {
            var sent = SessionCipher.Encrypt(sending, _alice, _message);
            _aliceToBob[i] = sent.Message;
            sending = sent.Record;
        }

        if (_aliceToBob[0].Type != CiphertextType.Whisper)
        {
            throw new InvalidOperationException("The session is not established: Alice still sends PreKeyWhisperMessages.");
        }

        _ours = Curve25519.GenerateKeyPair();
        _theirs = Curve25519.GenerateKeyPair();
        _signedMessage = SignalPublicKey.Serialize(Curve25519.GenerateKeyPair().PublicKey.Span);
        _signature = XEdDsa.Sign(_alice.IdentityKey.PrivateKey.Span, _signedMessage);
        AesCbc.Encrypt(_aesKey, _iv, _message, _ciphertext);
    }

    /// <summary>
    /// The lower bound of <see cref="Encrypt"/>: only the cryptography one message needs, with no protocol
    /// around it — 23 SHA-256 compressions (chain step 6, HKDF 10, MAC 7; see docs/BENCHMARKS.md) through
    /// OpenSSL's SHA-NI code, one after the other as the protocol chains them, and AES-256-CBC of 100 bytes
    /// with its key schedule. No implementation of the protocol on this machine can be faster than this row.
    /// </summary>
    [Benchmark]
    public byte EncryptCryptoFloor()
    {
        Compress23Blocks();
        return (byte)AesCbc.Encrypt(_aesKey, _iv, _message, _ciphertext);
    }

    /// <summary>As <see cref="EncryptCryptoFloor"/>, with AES-256-CBC decryption of 112 bytes.</summary>
    [Benchmark]
    public byte DecryptCryptoFloor()
    {
        Compress23Blocks();
        AesCbc.TryDecrypt(_aesKey, _iv, _ciphertext, _decrypted, out var length);
        return (byte)length;
    }

    private void Compress23Blocks()
    {
        var context = Sha256Native.InitialContext;
        for (var i = 0; i < 23; i++)
        {
            Sha256Native.Update(ref context, _block);
        }

        Span<byte> digest = stackalloc byte[Sha256Context.DigestSize];
        Sha256Native.WriteState(ref context, digest);
        _block[0] = digest[0];
    }

    /// <summary>A 100-byte message in an established session; the new record is the next call's input.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int Encrypt()
    {
        var record = _aliceSession;
        var bytes = 0;
        for (var i = 0; i < Batch; i++)
        {
            var sent = SessionCipher.Encrypt(record, _alice, _message);
            record = sent.Record;
            bytes += sent.Message.Serialized.Length;
        }

        return bytes;
    }

    /// <summary>As <see cref="Encrypt"/>, plus serializing the new record each time, as a session persists it before sending.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int EncryptAndSerialize()
    {
        var record = _aliceSession;
        var bytes = 0;
        for (var i = 0; i < Batch; i++)
        {
            var sent = SessionCipher.Encrypt(record, _alice, _message);
            record = sent.Record;
            bytes += record.Serialize().Length;
        }

        return bytes;
    }

    /// <summary>Bob decrypts Alice's next 1,024 messages in order, from the same starting record each time.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int Decrypt()
    {
        var record = _bobSession;
        var bytes = 0;
        foreach (var message in _aliceToBob)
        {
            var received = SessionCipher.Decrypt(record, _bob, message, NoPreKeys.Instance);
            record = received.Record;
            bytes += received.Plaintext.Length;
        }

        return bytes;
    }

    /// <summary>Session setup from a bundle with a one-time prekey (X3DH and the first sending ratchet).</summary>
    [Benchmark]
    public bool SessionSetup() => SessionBuilder.ProcessBundle(SessionRecord.Empty, _alice, _bundle).HasCurrentSession;

    [Benchmark]
    public byte X25519()
    {
        Span<byte> shared = stackalloc byte[32];
        Curve25519.SharedSecret(_ours.PrivateKey.Span, _theirs.PublicKey.Span, shared);
        return shared[0];
    }

    /// <summary>XEdDSA over a 33-byte serialized public key, as a signed prekey is signed.</summary>
    [Benchmark]
    public int XEdDsaSign() => XEdDsa.Sign(_alice.IdentityKey.PrivateKey.Span, _signedMessage).Length;

    [Benchmark]
    public bool XEdDsaVerify() => XEdDsa.Verify(_alice.IdentityKey.PublicKey.Span, _signedMessage, _signature);

    private sealed class PreKeys(PreKeyRecord preKey, SignedPreKeyRecord signedPreKey) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => id == preKey.Id ? preKey : null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == signedPreKey.Id ? signedPreKey : null;
    }

    private sealed class NoPreKeys : IPreKeySource
    {
        public static readonly NoPreKeys Instance = new();

        public PreKeyRecord? FindPreKey(uint id) => null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => null;
    }
}
