using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.MmsRetry;

namespace SessionCluster.Interop.Tests.Media;

/// <summary>
/// Our media retry crypto against Baileys' own exported functions (lib/Utils/messages-media.js, run under node from
/// tests/Interop's lockfile install): the request Baileys' <c>encryptMediaRetryRequest</c> builds opens with our key and
/// its receipt has our attributes; the answer we seal opens with Baileys' <c>decryptMediaRetryData</c>, field for field.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MediaRetryCrossCheckTests
{
    private const string MessageId = "3EB0C0FFEE00112233445566";

    /// <summary>One run: Baileys builds a request for the key and opens the sealed answer it is given.</summary>
    private const string Script = """
        import { encryptMediaRetryRequest, decryptMediaRetryData, proto } from 'baileys';
        const input = JSON.parse(process.argv[1]);
        const mediaKey = Buffer.from(input.mediaKey, 'base64');
        const key = { id: input.id, remoteJid: input.chat, fromMe: false, participant: input.participant };
        const node = encryptMediaRetryRequest(key, mediaKey, input.me);
        const encrypt = node.content.find(c => c.tag === 'encrypt');
        const rmr = node.content.find(c => c.tag === 'rmr');
        const opened = decryptMediaRetryData({ ciphertext: Buffer.from(input.answer, 'base64'), iv: Buffer.from(input.answerIv, 'base64') }, mediaKey, input.id);
        console.log(JSON.stringify({
            attrs: node.attrs,
            rmr: rmr.attrs,
            encP: Buffer.from(encrypt.content.find(c => c.tag === 'enc_p').content).toString('base64'),
            encIv: Buffer.from(encrypt.content.find(c => c.tag === 'enc_iv').content).toString('base64'),
            answer: { stanzaId: opened.stanzaId, directPath: opened.directPath, result: opened.result, success: opened.result === proto.MediaRetryNotification.ResultType.SUCCESS },
        }));
        """;

    [Fact]
    public async Task Baileys_request_opens_with_our_key_and_our_sealed_answer_opens_with_Baileys_decryptMediaRetryData()
    {
        await NpmPeers.EnsureInstalledAsync();
        var mediaKey = RandomNumberGenerator.GetBytes(32);
        var answer = MediaRetryCipher.EncryptNotification(mediaKey, MessageId, new MediaRetryNotification
        {
            StanzaID = MessageId,
            DirectPath = "/v/t62.7118-24/new.enc?ccb=11-4",
            Result = MediaRetryNotification.Types.ResultType.Success,
        });

        var output = await RunAsync(new
        {
            mediaKey = Convert.ToBase64String(mediaKey),
            id = MessageId,
            chat = "120363000000000001@g.us",
            participant = "15550002222@s.whatsapp.net",
            me = "15550001111:3@s.whatsapp.net",
            answer = Convert.ToBase64String(answer.Ciphertext.Span),
            answerIv = Convert.ToBase64String(answer.Iv.Span),
        });

        // Baileys' request: the same receipt shape as ours, and it opens under our retry key.
        var attrs = output.GetProperty("attrs");
        Assert.Equal((MessageId, "15550001111@s.whatsapp.net", MediaRetryStanzas.ReceiptType),
            (attrs.GetProperty("id").GetString(), attrs.GetProperty("to").GetString(), attrs.GetProperty("type").GetString()));
        var rmr = output.GetProperty("rmr");
        Assert.Equal(("120363000000000001@g.us", "false", "15550002222@s.whatsapp.net"),
            (rmr.GetProperty("jid").GetString(), rmr.GetProperty("from_me").GetString(), rmr.GetProperty("participant").GetString()));
        MediaRetryCipher.DecryptRequest(mediaKey, MessageId,
            new MediaRetrySealed(Convert.FromBase64String(output.GetProperty("encP").GetString()!), Convert.FromBase64String(output.GetProperty("encIv").GetString()!)));

        // Our answer, as Baileys reads it.
        var opened = output.GetProperty("answer");
        Assert.Equal(MessageId, opened.GetProperty("stanzaId").GetString());
        Assert.Equal("/v/t62.7118-24/new.enc?ccb=11-4", opened.GetProperty("directPath").GetString());
        Assert.True(opened.GetProperty("success").GetBoolean());
    }

    private static async Task<JsonElement> RunAsync(object input)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.InteropFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("--input-type=module");
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(JsonSerializer.Serialize(input));
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return JsonDocument.Parse(lines[^1]).RootElement.Clone();
    }
}
