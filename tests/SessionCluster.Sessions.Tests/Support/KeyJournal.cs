using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>What the journal holds of a session's data key, and whether the node key alone opens its sealed registrations.</summary>
internal static class KeyJournal
{
    /// <summary>The events of <c>session-keys-{id}</c> still stored.</summary>
    public static Task<IReadOnlyList<object>> StoredKeysAsync(ActorSystem system, SessionId id) => StoredAsync(system, SessionKeysActor.PersistenceIdOf(id));

    /// <summary>The events stored under any persistence id.</summary>
    public static async Task<IReadOnlyList<object>> StoredAsync(ActorSystem system, string persistenceId)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
        return await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), system.Materializer())
            .WaitAsync(SessionNodes.Timeout);
    }

    /// <summary>Opens a sealed registration of the session's log with the node key alone, as an attacker holding only that key would.</summary>
    public static Registration OpenWithNodeKey(SecretKey nodeKey, SessionId id, Google.Protobuf.ByteString sealedRegistration) =>
        Registration.Open(new SecretBox(nodeKey, RandomNumberGenerator.Create()), sealedRegistration.Span, Encoding.UTF8.GetBytes(id.Value));

    /// <summary>Opens a sealed registration as the session does: with its data key, itself opened with the node key.</summary>
    public static async Task<Registration> OpenWithSessionKeyAsync(ActorSystem system, SecretKey nodeKey, SessionId id, Google.Protobuf.ByteString sealedRegistration)
    {
        var stored = (await StoredKeysAsync(system, id)).OfType<SessionDataKeyStored>().Last();
        var nodeBox = new SecretBox(nodeKey, RandomNumberGenerator.Create());
        var dataKey = SecretKey.FromBytes(nodeBox.Open(stored.SealedKey.Span, Encoding.UTF8.GetBytes("session-keys:" + id.Value)));
        return Registration.Open(new SecretBox(dataKey, RandomNumberGenerator.Create()), sealedRegistration.Span, Encoding.UTF8.GetBytes(id.Value));
    }

    /// <summary>Polls until the data key's journal is empty (a wipe runs after the reply it follows).</summary>
    public static async Task WaitUntilWipedAsync(ActorSystem system, SessionId id)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while ((await StoredKeysAsync(system, id)).Count > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "The session's data key is still stored.");
            await Task.Delay(100);
        }
    }

    public static SessionLinked LastLinked(IEnumerable<object> stored) => stored.OfType<SessionLinked>().Last();
}
