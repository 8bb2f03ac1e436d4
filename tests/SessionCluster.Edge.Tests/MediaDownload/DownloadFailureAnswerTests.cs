using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SessionCluster.Edge.Cloud;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// docs/API.md "Downloading received files", row by row, on the two mapping functions: each download failure as its
/// REST problem and as its Cloud error. (The node tests show not-found through a real node; a file the hosts dropped
/// or that was tampered with needs the simulator's store, which only the sessions' tests reach.)
/// </summary>
public sealed class DownloadFailureAnswerTests
{
    [Theory]
    [InlineData(MediaDownloadFailure.NoMedia, 404, ProblemCodes.MediaNotFound)]
    [InlineData(MediaDownloadFailure.NotFound, 410, ProblemCodes.MediaGone)]
    [InlineData(MediaDownloadFailure.Integrity, 502, ProblemCodes.MediaIntegrity)]
    [InlineData(MediaDownloadFailure.HostsFailed, 502, ProblemCodes.MediaDownloadFailed)]
    [InlineData(MediaDownloadFailure.TooLarge, 502, ProblemCodes.MediaDownloadFailed)]
    [InlineData(MediaDownloadFailure.NoHosts, 409, ProblemCodes.SessionNotConnected)]
    [InlineData(MediaDownloadFailure.RetryRefused, 410, ProblemCodes.MediaGone)]
    [InlineData(MediaDownloadFailure.RetryFailed, 502, ProblemCodes.MediaDownloadFailed)]
    public void Each_download_failure_is_its_REST_problem(MediaDownloadFailure failure, int status, string code)
    {
        var problem = Assert.IsType<ProblemHttpResult>(MediaDownloadRoutes.Problem(new MediaDownloadException(failure, "x")));

        Assert.Equal((status, code), (problem.StatusCode, problem.ProblemDetails.Extensions["code"] as string));
    }

    [Theory]
    [InlineData(MediaDownloadFailure.NoMedia, 400, 100)]
    [InlineData(MediaDownloadFailure.NotFound, 400, 131052)]
    [InlineData(MediaDownloadFailure.Integrity, 400, 131052)]
    [InlineData(MediaDownloadFailure.HostsFailed, 400, 131052)]
    [InlineData(MediaDownloadFailure.TooLarge, 400, 131052)]
    [InlineData(MediaDownloadFailure.NoHosts, 503, 131016)]
    [InlineData(MediaDownloadFailure.RetryRefused, 400, 131052)]
    [InlineData(MediaDownloadFailure.RetryFailed, 400, 131052)]
    public void Each_download_failure_is_its_Cloud_error(MediaDownloadFailure failure, int status, int code)
    {
        var error = Assert.IsType<JsonHttpResult<CloudErrors.Envelope>>(CloudMediaRoutes.Error(new DefaultHttpContext(), "s~ID", new MediaDownloadException(failure, "x")));

        Assert.Equal((status, code), (error.StatusCode, error.Value!.Error.Code));
    }
}
