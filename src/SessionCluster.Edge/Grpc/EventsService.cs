using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Events.Subscribe</c>: the caller's sessions' events, journal first then live, through the one
/// <see cref="EventFollower"/> loop (no gap, no duplicate per session). <c>after</c> is the last seq a client read per
/// session, so a stream cut anywhere resumes exactly where it stopped. Events of other tenants never reach the
/// follower's subscription; a named session outside the caller's tenant is NOT_FOUND, as in REST.
/// </summary>
internal sealed class EventsService(EdgeDependencies deps, ILogger<EventsService> logger) : V1.Events.EventsBase
{
    /// <summary>Bounds what one request names: more sessions than this is a subscription to all of them.</summary>
    public const int MaxNamed = 1000;

    /// <summary>The longest event type name accepted in a filter; the API's longest is 24 characters.</summary>
    private const int MaxTypeLength = 64;

    /// <summary>Sessions read per directory page when a subscription follows the whole tenant.</summary>
    private const int DirectoryPage = 500;

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var tenant = Caller.Of(http).TenantId;
        var ct = context.CancellationToken;
        Validate(request);

        var named = request.Sessions.ToHashSet(StringComparer.Ordinal);
        var known = new List<SessionEntry>();
        foreach (var name in named)
        {
            known.Add(await deps.Directory.FindAsync(tenant, name, ct).ConfigureAwait(false) ?? throw GrpcProblems.ToException(EdgeProblems.SessionNotFound(name)));
        }

        if (named.Count == 0)
        {
            known = await AllAsync(tenant, ct).ConfigureAwait(false);
        }

        var types = request.Types_.ToHashSet(StringComparer.Ordinal);
        GrpcLog.SubscribeStarted(logger, tenant, named.Count, types.Count);
        var sent = 0L;
        try
        {
            await foreach (var e in deps.Follower.FollowAsync(
                known,
                e => e.Session.TenantId == tenant && (named.Count == 0 || named.Contains(e.Session.Id)),
                e => types.Count == 0 || types.Contains(EventView.TypeOf(e.Event.Body)),
                request.After,
                ct).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(ToMessage(EventView.From(e.Session.Id, e.Event)), ct).ConfigureAwait(false);
                sent++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client cancelled or went away: the stream's normal end.
            GrpcLog.SubscribeEnded(logger, tenant, sent);
        }
    }

    private static void Validate(SubscribeRequest request)
    {
        if (request.Sessions.Count > MaxNamed)
        {
            throw Invalid($"name at most {MaxNamed} sessions, or none for all of them");
        }

        if (request.Sessions.Any(s => !SessionIds.TryParse(s, out _)) || request.After.Keys.Any(s => !SessionIds.TryParse(s, out _)))
        {
            throw Invalid($"session ids in sessions and after must be {SessionIds.Rule}");
        }

        if (request.After.Values.Any(seq => seq < 0))
        {
            throw Invalid("after holds the last seq read per session: 0 or more");
        }

        if (request.Types_.Count > MaxNamed || request.Types_.Any(t => t.Length is 0 or > MaxTypeLength || !t.All(c => char.IsAsciiLetterLower(c) || c is '.' or '_')))
        {
            throw Invalid("types are event type names such as session.status or message.received (docs/API.md)");
        }
    }

    private static RpcException Invalid(string detail) => GrpcProblems.ToException(EdgeProblems.InvalidRequest(detail));

    private async Task<List<SessionEntry>> AllAsync(string tenant, CancellationToken ct)
    {
        var all = new List<SessionEntry>();
        while (true)
        {
            var page = await deps.Directory.ListAsync(tenant, all.Count == 0 ? null : all[^1].Id, DirectoryPage, ct).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < DirectoryPage)
            {
                return all;
            }
        }
    }

    private static Event ToMessage(EventView view) => new()
    {
        Session = view.Session,
        Seq = view.Seq,
        Id = view.Id.ToString(),
        Type = view.Type,
        At = Timestamp.FromDateTimeOffset(view.At),
        PayloadJson = JsonSerializer.Serialize(view.Payload, view.Payload.GetType(), JsonSerializerOptions.Web),
    };
}
