using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// <c>GET /v1/sessions/{id}/qr</c>: starts linking by QR when no link is running, then answers the newest QR code
/// still showing, as JSON, a PNG or terminal text by <c>Accept</c> (<see cref="QrFormats"/>). The session reports QR
/// codes only as domain events, so the route reads them from the session's log, polling until one is there or
/// <see cref="EdgeOptions.QrWait"/> has passed.
/// </summary>
internal static class QrRoutes
{
    public sealed record QrResponse(string Qr, DateTimeOffset ExpiresAt);

    /// <summary>How often the log is read while waiting: a QR appears within a second of connecting, so 200 ms adds little wait and few reads.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Events read per poll; a link attempt writes a handful, so one read covers it.</summary>
    private const int PageSize = 1000;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapGet("/sessions/{id}/qr", (string id, HttpContext http, CancellationToken ct) => GetAsync(id, http, deps, ct));

    private static async Task<IResult> GetAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        // Decided before anything starts: a client that takes none of the renderings starts no link.
        if (QrFormats.Choose(http.Request) is not { } format)
        {
            return EdgeProblems.Problem(StatusCodes.Status406NotAcceptable, ProblemCodes.NotAcceptable, "Not acceptable",
                $"the QR is served as {string.Join(", ", QrFormats.MediaTypes)}; send one of them in Accept (or none for JSON)");
        }

        var id = entry.ActorId;

        SessionStatusView status;
        switch (await deps.Sessions.AskAsync(new GetStatus(id), ct).ConfigureAwait(false))
        {
            case StatusReply { Status.DeviceJid: not null }:
                return EdgeProblems.SessionLinked(entry.Id);
            case StatusReply reply:
                status = reply.Status;
                break;
            case var other:
                return ReplyProblems.For(other, entry.Id);
        }

        // A link this request starts shows its QR after the events already there; one already running may have shown
        // it earlier, so then the whole log is read (the link's own status events say which QR is current).
        var after = 0L;
        if (status.Status != SessionStatus.Linking)
        {
            switch (await deps.Sessions.AskAsync(new LinkByQr(id), ct).ConfigureAwait(false))
            {
                case LinkStarted:
                    after = status.LastEventSequence;
                    break;
                case LinkRefused { Reason: LinkRefusal.AlreadyLinking }:
                    break;
                case var other:
                    return ReplyProblems.For(other, entry.Id);
            }
        }

        var qr = await WaitForQrAsync(id, after, deps, ct).ConfigureAwait(false);
        return qr is null
            ? EdgeProblems.Timeout($"session '{entry.Id}' showed no QR code within {deps.Options.QrWait.TotalSeconds:0} s; ask again")
            : QrFormats.Answer(format, new QrResponse(qr.Qr, qr.ExpiresAt), http.Response);
    }

    /// <summary>The newest QR not yet expired and not ended by a later status (linked, or the link failed), or null on timeout.</summary>
    private static async Task<QrCodeBody?> WaitForQrAsync(SessionId id, long after, EdgeDependencies deps, CancellationToken ct)
    {
        var deadline = deps.Clock.GetUtcNow() + deps.Options.QrWait;
        QrCodeBody? current = null;
        while (true)
        {
            foreach (var e in await deps.Events.ReadAsync(id, after, PageSize, ct).ConfigureAwait(false))
            {
                after = e.Sequence;
                current = e.Body switch
                {
                    QrCodeBody qr => qr,
                    SessionStatusChangedBody { Status: SessionStatus.Linking } => current,
                    SessionStatusChangedBody or LinkFailedBody => null,
                    _ => current,
                };
            }

            var now = deps.Clock.GetUtcNow();
            if (current is not null && current.ExpiresAt > now)
            {
                return current;
            }

            if (now >= deadline)
            {
                return null;
            }

            await Task.Delay(PollInterval, deps.Clock, ct).ConfigureAwait(false);
        }
    }
}
