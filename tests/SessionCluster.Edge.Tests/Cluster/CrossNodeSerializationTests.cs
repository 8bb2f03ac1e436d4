using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Protocol;
using SessionCluster.Sessions;
using SessionCluster.Sessions.CrossNode;

namespace SessionCluster.Edge.Tests.Cluster;

/// <summary>
/// Every message that crosses nodes (the session's commands, their replies, its live events, and failures with a
/// typed code) goes through the serializer remoting would pick on a node configured with
/// <see cref="CrossNodeSerialization"/> and comes back equal, member by member.
/// </summary>
public sealed class CrossNodeSerializationTests : IAsyncLifetime
{
    private static readonly Assembly Sessions = typeof(SessionCommands).Assembly;
    private static readonly Assembly Protocol = typeof(ProtocolFailureException<>).Assembly;

    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("serialization", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            """).WithFallback(CrossNodeSerialization.Hocon));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    internal static IReadOnlyList<Type> Commands() => Concrete(t => typeof(IWithSessionId).IsAssignableFrom(t));

    internal static IReadOnlyList<Type> Replies() => Concrete(t => t.IsSubclassOf(typeof(SessionCommands.Reply)));

    internal static IReadOnlyList<Type> EventBodies() => Concrete(t => t.IsSubclassOf(typeof(SessionEventBody)));

    /// <summary>Public exceptions that carry a code (an enum member) for the edge to branch on.</summary>
    internal static IReadOnlyList<Type> TypedFailures() =>
        [.. new[] { Sessions, Protocol }.SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Exception)) && t.GetProperties().Any(p => p.PropertyType.IsEnum))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    [Fact]
    public void The_sweep_finds_the_commands_replies_events_and_typed_failures_the_edge_exchanges_with_sessions()
    {
        Assert.Contains(typeof(SessionCommands.Create), Commands());
        Assert.Contains(typeof(SessionCommands.Send), Commands());
        Assert.Contains(typeof(SessionCommands.SendAccepted), Replies());
        Assert.Contains(typeof(SessionCommands.Unavailable), Replies());
        Assert.Contains(typeof(MessageReceivedBody), EventBodies());
        Assert.Contains(typeof(SessionCluster.Sessions.MediaDownloadException), TypedFailures());
        Assert.True(Commands().Count >= 25 && Replies().Count >= 30 && EventBodies().Count >= 15, $"{Commands().Count} commands, {Replies().Count} replies, {EventBodies().Count} bodies");
    }

    [Fact]
    public void Every_command_reply_and_event_goes_through_Hyperion_and_arrives_equal()
    {
        var samples = new MessageSamples(Sessions, Protocol);
        var messages = Commands().Concat(Replies()).Select(t => (t, Sample(samples, t)))
            .Concat(EventBodies().Select(t => (t, Sample(samples, typeof(SessionEvent), samples.Make(t)))));

        var failures = new List<string>();
        foreach (var (type, sample) in messages)
        {
            if (sample is string unbuildable)
            {
                failures.Add($"{type.Name}: no sample ({unbuildable})");
                continue;
            }

            var serializer = _system.Serialization.FindSerializerFor(sample);
            if (serializer is not Akka.Serialization.HyperionSerializer)
            {
                failures.Add($"{type.Name}: serialized by {serializer.GetType().Name}");
            }

            if (RoundTripDifference(sample) is { } difference)
            {
                failures.Add($"{type.Name}: {difference}");
            }
        }

        Assert.True(failures.Count == 0, "Not equal after a round trip:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void A_failure_with_a_typed_code_arrives_as_the_same_exception_type_with_the_same_code()
    {
        var samples = new MessageSamples(Sessions, Protocol);
        var failures = new List<string>();
        foreach (var type in TypedFailures())
        {
            var failure = Sample(samples, type);
            if (failure is string unbuildable)
            {
                failures.Add($"{type.Name}: no sample ({unbuildable})");
                continue;
            }

            if (RoundTripDifference(new Status.Failure((Exception)failure)) is { } difference)
            {
                failures.Add($"{type.Name}: {difference}");
            }
        }

        Assert.NotEmpty(TypedFailures());
        Assert.True(failures.Count == 0, "Not equal after a round trip:\n" + string.Join("\n", failures));
    }

    /// <summary>What remoting does with a message: the bound serializer, its manifest, bytes, and back.</summary>
    private string? RoundTripDifference(object message)
    {
        try
        {
            var serialization = _system.Serialization;
            var serializer = serialization.FindSerializerFor(message);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            var bytes = serializer.ToBinary(message);
            var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);
            return DeepEquality.Difference(message, back);
        }
        catch (Exception e)
        {
            return $"threw {e.GetType().Name}: {e.Message}";
        }
    }

    private static object Sample(MessageSamples samples, Type type, object? body = null)
    {
        try
        {
            return body is null ? samples.Make(type) : new SessionEvent(Guid.CreateVersion7(), new SessionId("alice"), 42, DateTimeOffset.UnixEpoch.AddDays(20000), (SessionEventBody)body);
        }
        catch (Exception e) when (e is TargetInvocationException or InvalidOperationException or ArgumentException)
        {
            return (e.InnerException ?? e).Message;
        }
    }

    private static IReadOnlyList<Type> Concrete(Func<Type, bool> kind) =>
        [.. Sessions.GetExportedTypes().Where(t => !t.IsAbstract && !t.IsInterface && kind(t)).OrderBy(t => t.FullName, StringComparer.Ordinal)];
}
