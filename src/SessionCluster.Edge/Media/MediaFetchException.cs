using System.Net;
using SessionCluster.Protocol;

namespace SessionCluster.Edge.Media;

/// <summary>
/// A download by link failed; <see cref="ProtocolFailureException{TFailure}.Failure"/> says why. The message tells
/// the caller what to fix and shows the URL as scheme://host/path only: a query string may carry a token.
/// </summary>
internal sealed class MediaFetchException : ProtocolFailureException<MediaFetchFailure>
{
    public MediaFetchException(MediaFetchFailure failure, string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(failure, message, inner)
    {
        StatusCode = statusCode;
    }

    /// <summary>The source's answer, for <see cref="MediaFetchFailure.HttpStatus"/>; null otherwise.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// For <see cref="MediaFetchFailure.PrivateAddress"/>, the address refused. For the operator's log only, never in
    /// the message: it would tell a caller what internal names resolve to.
    /// </summary>
    public IPAddress? RefusedAddress { get; init; }
}
