using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Linking;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Sessions</c>: the REST session routes' own functions (<see cref="SessionRoutes"/>,
/// <see cref="QrRoutes"/>) behind gRPC messages, so both answer the same things and refuse the same inputs.
/// </summary>
internal sealed class SessionsService(EdgeDependencies deps) : V1.Sessions.SessionsBase
{
    public override async Task<Session> Create(CreateSessionRequest request, ServerCallContext context)
    {
        var body = new SessionRoutes.CreateSessionRequest(
            request.HasId ? request.Id : null,
            request.HasDeviceName ? request.DeviceName : null,
            request.HasPlatform ? request.Platform : null,
            request.HasMarkOnline ? request.MarkOnline : null);
        return ToMessage(GrpcProblems.Answer(await SessionRoutes.CreateAsync(context.GetHttpContext(), body, deps, context.CancellationToken).ConfigureAwait(false)));
    }

    public override async Task<Session> Get(GetSessionRequest request, ServerCallContext context) =>
        ToMessage(GrpcProblems.Answer(await SessionRoutes.FindViewAsync(context.GetHttpContext(), request.Id, deps, context.CancellationToken).ConfigureAwait(false)));

    public override async Task<ListSessionsResponse> List(ListSessionsRequest request, ServerCallContext context)
    {
        var limit = request.Limit == 0 ? SessionRoutes.DefaultPageSize : request.Limit;
        var page = GrpcProblems.Answer(await SessionRoutes.ListAsync(context.GetHttpContext(), request.Cursor, limit, request.Status, deps, context.CancellationToken).ConfigureAwait(false));
        var response = new ListSessionsResponse();
        response.Sessions.AddRange(page.Sessions.Select(ToMessage));
        if (page.Next is not null)
        {
            response.Next = page.Next;
        }

        return response;
    }

    public override async Task<DeleteSessionResponse> Delete(DeleteSessionRequest request, ServerCallContext context)
    {
        if (await SessionRoutes.DeleteSessionAsync(context.GetHttpContext(), request.Id, deps, context.CancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw GrpcProblems.ToException(problem);
        }

        return new DeleteSessionResponse();
    }

    public override async Task<QrCode> GetQr(GetQrRequest request, ServerCallContext context)
    {
        var qr = GrpcProblems.Answer(await QrRoutes.FindQrAsync(context.GetHttpContext(), request.Session, deps, context.CancellationToken).ConfigureAwait(false));
        return new QrCode { Qr = qr.Qr, ExpiresAt = Timestamp.FromDateTimeOffset(qr.ExpiresAt) };
    }

    public override async Task<SendPresenceResponse> SendPresence(SendPresenceRequest request, ServerCallContext context)
    {
        await GrpcSessionCall.AskAsync(context, request.Session, deps, entry => PresenceRoutes.Account(entry, request.State), reply => PresenceRoutes.IsSent(reply) ? reply : null).ConfigureAwait(false);
        return new SendPresenceResponse();
    }

    private static Session ToMessage(SessionView view)
    {
        var message = new Session
        {
            Id = view.Id,
            Tenant = view.Tenant,
            Status = view.Status,
            CreatedAt = Timestamp.FromDateTimeOffset(view.CreatedAt),
            LastEventSeq = view.LastEventSeq,
        };
        if (view.Jid is not null)
        {
            message.Jid = view.Jid;
        }

        if (view.Lid is not null)
        {
            message.Lid = view.Lid;
        }

        if (view.Unavailable is not null)
        {
            message.Unavailable = view.Unavailable;
        }

        return message;
    }
}
