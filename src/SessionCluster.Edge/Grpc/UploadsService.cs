using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Uploads</c>: a file streamed in chunks into the tenant's upload store through
/// <see cref="UploadRoutes.PutAsync"/>, what REST's <c>POST /v1/uploads</c> calls too; the store reads the chunks as
/// they arrive (<see cref="ChunkStream"/>), so a file is never whole in memory.
/// </summary>
internal sealed class UploadsService(EdgeDependencies deps) : V1.Uploads.UploadsBase
{
    public override async Task<UploadedFile> Upload(IAsyncStreamReader<UploadChunk> requestStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        UploadInfo? info = null;
        var first = ReadOnlyMemory<byte>.Empty;
        if (await requestStream.MoveNext(ct).ConfigureAwait(false))
        {
            if (requestStream.Current.PartCase == UploadChunk.PartOneofCase.Info)
            {
                info = requestStream.Current.Info;
            }
            else
            {
                first = requestStream.Current.Data.Memory;
            }
        }

        var content = new ChunkStream(requestStream, first);
        await using (content.ConfigureAwait(false))
        {
            (StoredUpload? Value, Microsoft.AspNetCore.Http.IResult? Problem) stored;
            try
            {
                stored = await UploadRoutes.PutAsync(Caller.Of(context.GetHttpContext()).TenantId, content, NullIfEmpty(info?.Mimetype), NullIfEmpty(info?.Filename), deps, ct)
                    .ConfigureAwait(false);
            }
            catch (ChunkStream.SecondInfoException e)
            {
                throw GrpcProblems.ToException(Problems.EdgeProblems.InvalidRequest(e.Message));
            }

            var upload = GrpcProblems.Answer(stored);
            var message = new UploadedFile { Id = upload.Id, Size = upload.Size, ExpiresAt = Timestamp.FromDateTimeOffset(upload.ExpiresAt) };
            if (upload.MimeType is { } type)
            {
                message.Mimetype = type;
            }

            if (upload.FileName is { } name)
            {
                message.Filename = name;
            }

            return message;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>The data chunks of an upload call as a forward-only stream, each read taking the next chunk when the last is used up.</summary>
    private sealed class ChunkStream(IAsyncStreamReader<UploadChunk> chunks, ReadOnlyMemory<byte> first) : Stream
    {
        private ReadOnlyMemory<byte> _pending = first;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException("An upload's stream is read-only and forward-only.");

        public override long Position { get => throw new NotSupportedException("An upload's stream is read-only and forward-only."); set => throw new NotSupportedException("An upload's stream is read-only and forward-only."); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_pending.IsEmpty)
            {
                if (!await chunks.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }

                _pending = chunks.Current.PartCase == UploadChunk.PartOneofCase.Info
                    ? throw new SecondInfoException("an upload has one info, before its data")
                    : chunks.Current.Data.Memory;
            }

            var count = Math.Min(buffer.Length, _pending.Length);
            _pending[..count].CopyTo(buffer);
            _pending = _pending[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("an upload is read asynchronously");

        // Nothing is buffered for writing in a read-only stream.
        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An upload's stream is read-only and forward-only.");

        public override void SetLength(long value) => throw new NotSupportedException("An upload's stream is read-only and forward-only.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An upload's stream is read-only and forward-only.");

        /// <summary>An info chunk after the first: the call is malformed.</summary>
        internal sealed class SecondInfoException(string message) : Exception(message);
    }
}
