using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Microsoft.Extensions.Logging.Abstractions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.Ratchets.RatchetProtocol;

namespace SessionCluster.Sessions.Tests.Ratchets;

/// <summary>
/// A ratchet actor given many requests at once writes their steps together (only the last event carrying the record),
/// answers each after that write, and a new incarnation recovers the state after the whole batch.
/// </summary>
public sealed class DeviceRatchetBatchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SessionId Session = new("alice");
    private static readonly Jid Device = Jid.Parse("222222222222222:1@lid");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly SessionNodes _nodes = new(output);
    private readonly SecretBox _secrets = new(SecretKey.Generate(RandomNumberGenerator.Create()), RandomNumberGenerator.Create());
    private readonly LocalIdentity _ours = KeyHelper.GenerateIdentity();
    private readonly LocalIdentity _peer = KeyHelper.GenerateIdentity();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _nodes.DisposeAsync().AsTask();

    [Fact]
    public async Task Requests_that_arrive_together_are_written_together_and_a_new_incarnation_goes_on_from_the_last_state()
    {
        var signedPreKey = KeyHelper.GenerateSignedPreKey(_ours.IdentityKey, 1);
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        var keys = new Keys(signedPreKey, preKey);
        var bundle = new PreKeyBundle(_ours.RegistrationId, _ours.IdentityKey.PublicKey, signedPreKey.Id, signedPreKey.KeyPair.PublicKey, signedPreKey.Signature, preKey.Id, preKey.KeyPair.PublicKey);
        var sender = SessionBuilder.ProcessBundle(SessionRecord.Empty, _peer, bundle);
        var ciphertexts = new List<CiphertextMessage>();
        for (var i = 0; i < 21; i++)
        {
            var encrypted = SessionCipher.Encrypt(sender, _peer, Encoding.UTF8.GetBytes($"text {i}"));
            sender = encrypted.Record;
            ciphertexts.Add(encrypted.Message);
        }

        var system = _nodes.Start();
        var ratchet = system.ActorOf(Props());
        // Twenty told at once (the mailbox holds them all before the first is served).
        var answers = Enumerable.Range(0, 20).Select(i => ratchet.Ask<object>(new Decrypt($"m{i}", ciphertexts[i], _ours, keys), Timeout)).ToList();
        var texts = (await Task.WhenAll(answers)).Select(a => Encoding.UTF8.GetString(Assert.IsType<Decrypted>(a).Plaintext));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"text {i}"), texts);

        var stored = (await SessionLog.StoredAsync(system, DeviceRatchetActor.PersistenceIdOf(Session, Device))).Cast<RatchetStored>().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), stored.Select(s => s.MessageId));
        Assert.False(stored[^1].SealedRecord.IsEmpty);
        Assert.True(stored.Count(s => !s.SealedRecord.IsEmpty) < stored.Count, "some steps were written in one batch, the record only with its last");

        // A new incarnation reads the batch back: it decrypts the next message and answers an old one from its plaintext.
        await ratchet.GracefulStop(Timeout);
        var again = system.ActorOf(Props());
        Assert.Equal("text 20", Encoding.UTF8.GetString(Assert.IsType<Decrypted>(await again.Ask<object>(new Decrypt("m20", ciphertexts[20], _ours, keys), Timeout)).Plaintext));
        Assert.Equal("text 19", Encoding.UTF8.GetString(Assert.IsType<Decrypted>(await again.Ask<object>(new Decrypt("m19", ciphertexts[19], _ours, keys), Timeout)).Plaintext));
    }

    private Props Props() => DeviceRatchetActor.Props(Session, Device, _secrets, NullLogger.Instance, TimeSpan.FromMinutes(5));

    private sealed class Keys(SignedPreKeyRecord signedPreKey, PreKeyRecord preKey) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => id == preKey.Id ? preKey : null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == signedPreKey.Id ? signedPreKey : null;
    }
}
