using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// The node's gRPC API through Grpc.Net.Client on the node's one HTTP port (h2c), sending <c>authorization: Bearer</c>
/// a key (none when null) and <c>x-tenant-id</c> when given.
/// </summary>
internal sealed class GrpcCaller : IDisposable
{
    private readonly GrpcChannel _channel;

    public GrpcCaller(EdgeNode node, string? key = EdgeNode.AdminKey, string? tenant = null)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (tenant is not null)
        {
            http.DefaultRequestHeaders.Add("x-tenant-id", tenant);
        }

        _channel = GrpcChannel.ForAddress(node.Http.BaseAddress!, new GrpcChannelOptions { HttpClient = http, DisposeHttpClient = true });
        Sessions = new V1.Sessions.SessionsClient(_channel);
        Messages = new V1.Messages.MessagesClient(_channel);
        Events = new V1.Events.EventsClient(_channel);
        Groups = new V1.Groups.GroupsClient(_channel);
        Contacts = new V1.Contacts.ContactsClient(_channel);
        Files = new V1.Files.FilesClient(_channel);
        Chats = new V1.Chats.ChatsClient(_channel);
        Uploads = new V1.Uploads.UploadsClient(_channel);
    }

    public V1.Sessions.SessionsClient Sessions { get; }

    public V1.Messages.MessagesClient Messages { get; }

    public V1.Events.EventsClient Events { get; }

    public V1.Groups.GroupsClient Groups { get; }

    public V1.Contacts.ContactsClient Contacts { get; }

    public V1.Files.FilesClient Files { get; }

    public V1.Chats.ChatsClient Chats { get; }

    public V1.Uploads.UploadsClient Uploads { get; }

    /// <summary>A deadline for one call: a bound on a hang, not a speed claim.</summary>
    public static DateTime Deadline => DateTime.UtcNow + EdgeNode.Deadline;

    /// <summary>Reads a subscription until <paramref name="done"/> holds for what was read, then cuts it (cancels the call).</summary>
    public async Task<List<V1.Event>> ReadUntilAsync(V1.SubscribeRequest request, Func<List<V1.Event>, bool> done, string what)
    {
        using var cut = new CancellationTokenSource(EdgeNode.Deadline);
        using var call = Events.Subscribe(request, cancellationToken: cut.Token);
        var read = new List<V1.Event>();
        try
        {
            while (!done(read) && await call.ResponseStream.MoveNext(cut.Token))
            {
                read.Add(call.ResponseStream.Current);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cut.IsCancellationRequested)
        {
            Assert.Fail($"Waited {EdgeNode.Deadline} for {what}; read: {string.Join(", ", read.Select(e => $"{e.Session}#{e.Seq} {e.Type}"))}");
        }

        Assert.True(done(read), $"the stream ended before {what}");
        cut.Cancel();
        return read;
    }

    public void Dispose() => _channel.Dispose();
}
