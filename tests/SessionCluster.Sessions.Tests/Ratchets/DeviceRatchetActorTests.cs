using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using static SessionCluster.Sessions.Ratchets.RatchetProtocol;

namespace SessionCluster.Sessions.Tests.Ratchets;

/// <summary>
/// A contact device's ratchet actor on Akka's in-memory journal: decrypts pkmsgs against our prekeys, notices a new
/// identity key, answers a redelivered message from its stored plaintext, and a new incarnation recovers the record.
/// </summary>
public sealed class DeviceRatchetActorTests : IAsyncLifetime
{
    private static readonly SessionId Session = new("alice");
    private static readonly Jid Device = Jid.Parse("111111111111111:1@lid");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ActorSystem _system = ActorSystem.Create("ratchets", ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """));

    private readonly SecretBox _secrets = new(SecretKey.Generate(RandomNumberGenerator.Create()), RandomNumberGenerator.Create());
    private readonly LocalIdentity _ours = KeyHelper.GenerateIdentity();
    private readonly SignedPreKeyRecord _signedPreKey;
    private readonly Dictionary<uint, PreKeyRecord> _preKeys;

    public DeviceRatchetActorTests()
    {
        _signedPreKey = KeyHelper.GenerateSignedPreKey(_ours.IdentityKey, 1);
        _preKeys = KeyHelper.GeneratePreKeys(1, 4).ToDictionary(k => k.Id);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task A_pkmsg_on_a_new_identity_key_is_decrypted_and_flagged_as_an_identity_change_and_the_first_is_not()
    {
        var ratchet = Start();

        var first = await DecryptAsync(ratchet, "m1", Pkmsg(KeyHelper.GenerateIdentity(), preKeyId: 1, "hello"));
        var second = await DecryptAsync(ratchet, "m2", Pkmsg(KeyHelper.GenerateIdentity(), preKeyId: 2, "hello again"));

        Assert.False(first.IdentityChanged);
        Assert.Equal(1u, first.ConsumedPreKeyId);
        Assert.True(second.IdentityChanged);
        Assert.Equal("hello again", System.Text.Encoding.UTF8.GetString(second.Plaintext));
    }

    [Fact]
    public async Task A_redelivered_message_is_answered_from_the_stored_plaintext_also_by_a_new_incarnation()
    {
        var peer = KeyHelper.GenerateIdentity();
        var ciphertext = Pkmsg(peer, preKeyId: 3, "once");
        var first = Start();
        Assert.Equal("once", System.Text.Encoding.UTF8.GetString((await DecryptAsync(first, "m1", ciphertext)).Plaintext));
        await first.GracefulStop(Timeout);

        // The same stanza again after a restart: its message key is used, yet the answer is the same plaintext.
        var again = await DecryptAsync(Start(), "m1", ciphertext);

        Assert.Equal("once", System.Text.Encoding.UTF8.GetString(again.Plaintext));
        Assert.Null(again.ConsumedPreKeyId);
    }

    [Fact]
    public async Task A_tampered_ciphertext_fails_typed_and_leaves_the_ratchet_as_it_was()
    {
        var peer = KeyHelper.GenerateIdentity();
        var ratchet = Start();
        var genuine = Pkmsg(peer, preKeyId: 4, "genuine");
        var tampered = new CiphertextMessage(genuine.Type, [.. genuine.Serialized]);
        // A byte inside the inner WhisperMessage's ciphertext (the last 8 bytes of it are its MAC; the pkmsg's own tail is
        // the registration and signed-prekey ids, which a flip would not catch).
        tampered.Serialized[tampered.Serialized.Length - 20] ^= 0x40;

        var failed = Assert.IsType<DecryptFailed>(await ratchet.Ask<object>(new Decrypt("m1", tampered, _ours, new Keys(this)), Timeout));
        Assert.Contains(failed.Failure, new[] { DecryptFailure.InvalidMac, DecryptFailure.InvalidMessage });

        Assert.Equal("genuine", System.Text.Encoding.UTF8.GetString((await DecryptAsync(ratchet, "m1", genuine)).Plaintext));
    }

    private IActorRef Start() => _system.ActorOf(DeviceRatchetActor.Props(Session, Device, _secrets, NullLogger.Instance, TimeSpan.FromMinutes(5)));

    private async Task<Decrypted> DecryptAsync(IActorRef ratchet, string id, CiphertextMessage ciphertext) =>
        Assert.IsType<Decrypted>(await ratchet.Ask<object>(new Decrypt(id, ciphertext, _ours, new Keys(this)), Timeout));

    /// <summary>A first message from <paramref name="peer"/> built on our bundle with one-time prekey <paramref name="preKeyId"/>.</summary>
    private CiphertextMessage Pkmsg(LocalIdentity peer, uint preKeyId, string text)
    {
        var bundle = new PreKeyBundle(
            _ours.RegistrationId,
            _ours.IdentityKey.PublicKey,
            _signedPreKey.Id,
            _signedPreKey.KeyPair.PublicKey,
            _signedPreKey.Signature,
            preKeyId,
            _preKeys[preKeyId].KeyPair.PublicKey);
        var record = SessionBuilder.ProcessBundle(SessionRecord.Empty, peer, bundle);
        return SessionCipher.Encrypt(record, peer, System.Text.Encoding.UTF8.GetBytes(text)).Message;
    }

    private sealed class Keys(DeviceRatchetActorTests owner) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => owner._preKeys.GetValueOrDefault(id);

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => owner._signedPreKey.Id == id ? owner._signedPreKey : null;
    }
}
