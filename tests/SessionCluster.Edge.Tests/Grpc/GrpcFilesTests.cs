using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Files.Download</c>: a received file streamed as its MediaInfo then its bytes in chunks, the same
/// download as REST's route; a message without a file, an unknown one and a bad id are REST's problems as statuses.
/// </summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcFilesTests(EdgeNode node)
{
    private const string Owner = "15550033001";
    private const string Friend = "15550033002";
    private const string Session = "g-files";

    [Fact]
    public async Task A_received_file_streams_in_chunks_with_its_type_and_length_and_refusals_are_statuses()
    {
        using var grpc = new GrpcCaller(node);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await QrLinking.LinkAsync(node, Session, Owner);

        // 200 KB: more than three chunks, the last one short.
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var (image, _) = await PhoneSendsImageAsync(bytes);

        using (var call = grpc.Files.Download(new DownloadMediaRequest { Session = Session, MessageId = image }, deadline: GrpcCaller.Deadline))
        {
            var chunks = new List<MediaChunk>();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
            {
                chunks.Add(chunk);
            }

            var info = chunks[0].Info;
            Assert.Equal(("image/jpeg", (long)bytes.Length, false), (info.Mimetype, info.Length, info.HasFileName));
            Assert.True(chunks.Count >= 5, $"{chunks.Count} chunks");
            Assert.All(chunks.Skip(1), c => Assert.Equal(MediaChunk.PartOneofCase.Data, c.PartCase));
            Assert.Equal(bytes, chunks.Skip(1).SelectMany(c => c.Data.ToByteArray()).ToArray());
        }

        var text = await PhoneChats.SendAsync(node, Friend, Owner, "no file here");
        await PhoneChats.ReceivedAsync(node, Session, text);
        await GrpcErrors.AssertAsync(() => ReadAllAsync(grpc, text), StatusCode.NotFound, "media_not_found");
        await GrpcErrors.AssertAsync(() => ReadAllAsync(grpc, "3EB0NOSUCHMESSAGE"), StatusCode.NotFound, "media_not_found");
        await GrpcErrors.AssertAsync(() => ReadAllAsync(grpc, "not/an id"), StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => ReadAllAsync(grpc, image, session: "g-nobody"), StatusCode.NotFound, "session_not_found");

        // A file neither the host nor the sender's phone has any more: REST's 410 is NOT_FOUND here.
        var (gone, path) = await PhoneSendsImageAsync(RandomNumberGenerator.GetBytes(1_000));
        using (var admin = new HttpClient { Timeout = EdgeNode.Deadline })
        {
            using var dropped = await admin.DeleteAsync($"{node.Simulator.AdminUrl}/media?path={Uri.EscapeDataString(path)}");
            Assert.Equal(HttpStatusCode.NoContent, dropped.StatusCode);
            using var forgot = await admin.DeleteAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/media");
            Assert.Equal(HttpStatusCode.OK, forgot.StatusCode);
        }

        await GrpcErrors.AssertAsync(() => ReadAllAsync(grpc, gone), StatusCode.NotFound, "media_gone");
    }

    private static async Task ReadAllAsync(GrpcCaller grpc, string messageId, string session = Session)
    {
        using var call = grpc.Files.Download(new DownloadMediaRequest { Session = session, MessageId = messageId }, deadline: GrpcCaller.Deadline);
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
        }
    }

    /// <summary>The friend's phone sends an image to the session's account; its id and direct path once the session has the event.</summary>
    private async Task<(string Id, string DirectPath)> PhoneSendsImageAsync(byte[] bytes)
    {
        using var admin = new HttpClient { Timeout = EdgeNode.Deadline };
        using var response = await admin.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/media",
            new { to = Owner + "@s.whatsapp.net", kind = "image", base64 = Convert.ToBase64String(bytes), mimeType = "image/jpeg" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var sent = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = sent.GetProperty("id").GetString()!;
        await node.WaitForEventsAsync(Session, e => e.Any(x => x.GetProperty("type").GetString() == "message.received" && x.GetProperty("payload").GetProperty("id").GetString() == id),
            "the image");
        return (id, sent.GetProperty("directPath").GetString()!);
    }
}
