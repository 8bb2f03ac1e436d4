using Google.Protobuf;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Media;
using SessionCluster.Edge.Messages;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Files</c>: a received file through <see cref="MediaDownloadRoutes.OpenAsync"/>, what REST's
/// download route calls too, streamed from its temporary file in chunks (never whole in memory).
/// </summary>
internal sealed class FilesService(EdgeDependencies deps) : V1.Files.FilesBase
{
    /// <summary>64 KiB: well under gRPC's default 4 MiB message limit, and few enough messages for large files.</summary>
    private const int ChunkBytes = 64 * 1024;

    public override async Task Download(DownloadMediaRequest request, IServerStreamWriter<MediaChunk> responseStream, ServerCallContext context)
    {
        var file = await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => MediaDownloadRoutes.OpenAsync(entry, request.MessageId, deps, context.CancellationToken))
            .ConfigureAwait(false);
        await using (file.ConfigureAwait(false))
        {
            var info = new MediaInfo { Mimetype = MediaFileResult.ContentType(file.Descriptor.MimeType), Length = file.Length };
            if (file.Descriptor.FileName is { Length: > 0 } name)
            {
                info.FileName = name;
            }

            await responseStream.WriteAsync(new MediaChunk { Info = info }, context.CancellationToken).ConfigureAwait(false);
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await file.Content.ReadAsync(buffer, context.CancellationToken).ConfigureAwait(false)) > 0)
            {
                await responseStream.WriteAsync(new MediaChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, context.CancellationToken).ConfigureAwait(false);
            }
        }
    }
}
