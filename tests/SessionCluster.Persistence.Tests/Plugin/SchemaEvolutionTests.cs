using System.Collections.Immutable;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Serialization;
using Google.Protobuf;
using SessionCluster.Persistence.Serialization;
using SessionCluster.Persistence.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Persistence.Tests.Plugin.NotesActor;

namespace SessionCluster.Persistence.Tests.Plugin;

/// <summary>
/// Events written by an older build stay readable after the schema changes: a renamed message is read through an
/// alias of its old manifest, a field added since reads as its default, and without the alias recovery fails and the
/// actor stops instead of inventing a value.
/// </summary>
public sealed class SchemaEvolutionTests(ITestOutputHelper output) : SystemsTest(output)
{
    private const string OldManifest = "sessioncluster.persistence.tests.NoteTaken";

    private readonly PluginStore _store = PluginStore.Sqlite();
    [Fact]
    public async Task A_renamed_event_is_recovered_through_its_old_manifest_and_a_field_added_since_reads_as_its_default()
    {
        var oldBuild = Start("old-build", new ProtobufMessageTypes().Add(NoteTaken.Descriptor));
        var writer = oldBuild.ActorOf(Props("notes"));
        await writer.Ask<int>(new NoteTaken { Text = "first" }, Systems.Timeout);
        await writer.Ask<int>(new NoteTaken { Text = "second" }, Systems.Timeout);
        await oldBuild.Terminate();

        var newBuild = Start("new-build", new ProtobufMessageTypes().Add(NoteRecorded.Descriptor).Alias(OldManifest, NoteRecorded.Descriptor.FullName));
        var reader = newBuild.ActorOf(Props("notes"));
        Assert.Equal(3, await reader.Ask<int>(new NoteRecorded { Text = "third", Priority = 2 }, Systems.Timeout));
        await reader.GracefulStop(Systems.Timeout);

        var again = newBuild.ActorOf(Props("notes"));
        var notes = await again.Ask<IMessage[]>(new GetNotes(), Systems.Timeout);
        Assert.Equal(
            [new NoteRecorded { Text = "first" }, new NoteRecorded { Text = "second" }, new NoteRecorded { Text = "third", Priority = 2 }],
            notes.Cast<NoteRecorded>());
    }

    [Fact]
    public async Task Without_an_alias_for_the_old_manifest_recovery_fails_and_the_actor_stops()
    {
        var oldBuild = Start("old-build", new ProtobufMessageTypes().Add(NoteTaken.Descriptor));
        await oldBuild.ActorOf(Props("notes")).Ask<int>(new NoteTaken { Text = "first" }, Systems.Timeout);
        await oldBuild.Terminate();

        var newBuild = Start("new-build", new ProtobufMessageTypes().Add(NoteRecorded.Descriptor));
        var reader = newBuild.ActorOf(Props("notes"));
        Assert.True(await reader.WatchAsync().WaitAsync(Systems.Timeout), "recovery with an unknown manifest did not stop the actor");
    }

    /// <summary>An ActorSystem whose protobuf serializer reads exactly <paramref name="types"/>, as one build of the node would.</summary>
    private ActorSystem Start(string name, ProtobufMessageTypes types)
    {
        var serializer = SerializationSetup.Create(system => ImmutableHashSet.Create(
            SerializerDetails.Create("sc-protobuf", new ProtobufSerializer(system, types), ImmutableHashSet.Create(typeof(IMessage)))));
        var setup = BootstrapSetup.Create().WithConfig(_store.Config()).And(serializer);
        var system = ActorSystem.Create(name, setup);
        Systems.Add(system);
        return system;
    }
}
