using System.Text.Json;
using SessionCluster.Edge.Cloud;
using SessionCluster.Edge.Messages;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// The Cloud facade's replies, locations and contacts as read from Meta's JSON, and the edit rule (only our own texts,
/// within 15 minutes of sending: docs/PROTOCOL.md §9 "Edits and revokes").
/// </summary>
public sealed class OutboundKindsParsingTests
{
    private static readonly DateTimeOffset SentAt = DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_cloud_context_message_id_makes_any_content_a_reply()
    {
        var send = Assert.IsType<CloudRequest.Send>(Parse("""{"messaging_product":"whatsapp","to":"15550002002","context":{"message_id":"3EB0AA"},"type":"text","text":{"body":"yes"}}"""));

        Assert.Equal("3EB0AA", send.Content.ReplyTo);
        Assert.Equal("yes", Assert.IsType<ContentRequest.Text>(send.Content).Body);
    }

    [Fact]
    public void A_cloud_location_takes_numbers_or_numeric_strings_and_its_name_and_address()
    {
        var send = Assert.IsType<CloudRequest.Send>(Parse(
            """{"messaging_product":"whatsapp","to":"15550002002","type":"location","location":{"latitude":"52.52","longitude":13.405,"name":"Office","address":"Alexanderplatz 1"}}"""));

        Assert.Equal(new ContentRequest.Location(52.52, 13.405, "Office", "Alexanderplatz 1"), send.Content);
    }

    [Theory]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"location","location":{"latitude":1}}""", "Missing")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"location","location":{"latitude":100,"longitude":0}}""", "Malformed")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"contacts","contacts":[]}""", "Missing")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"contacts","contacts":[{"phones":[{"phone":"1"}]}]}""", "Missing")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","context":{},"type":"text","text":{"body":"x"}}""", "Missing")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","context":{"message_id":"3EB0"},"type":"reaction","reaction":{"message_id":"3EB0","emoji":"x"}}""", "Malformed")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"interactive","interactive":{"type":"button"}}""", "Unsupported")]
    [InlineData("""{"messaging_product":"whatsapp","to":"15550002002","type":"template","template":{"name":"hello_world"}}""", "Unsupported")]
    public void Cloud_bodies_missing_a_member_out_of_range_or_of_a_type_not_sent_are_the_matching_cloud_errors(string json, string problem) =>
        Assert.Equal(problem, Assert.IsType<CloudRequest.Invalid>(Parse(json)).Kind.ToString());

    [Fact]
    public void Cloud_contacts_become_vcards_with_the_formatted_name_and_each_phone_as_waid()
    {
        var send = Assert.IsType<CloudRequest.Send>(Parse("""
            {"messaging_product":"whatsapp","to":"15550002002","type":"contacts","contacts":[
              {"name":{"formatted_name":"Ann Example","first_name":"Ann"},"phones":[{"phone":"+1 (555) 000-9999","wa_id":"15550009999"},{"phone":"+1 555 000 8888"}]},
              {"name":{"formatted_name":"No Phone"}}]}
            """));

        var cards = Assert.IsType<ContentRequest.Contacts>(send.Content).Cards;
        Assert.Equal(["Ann Example", "No Phone"], cards.Select(c => c.DisplayName));
        Assert.Equal("BEGIN:VCARD\nVERSION:3.0\nN:;Ann Example;;;\nFN:Ann Example\nTEL;type=CELL;waid=15550009999:+15550009999\nTEL;type=CELL;waid=15550008888:+15550008888\nEND:VCARD", cards[0].VCard);
        Assert.DoesNotContain("TEL", cards[1].VCard, StringComparison.Ordinal);
    }

    [Fact]
    public void Our_text_may_be_edited_up_to_15_minutes_after_it_was_sent()
    {
        var ours = new KnownMessage("3EB0AA", "15550002002@s.whatsapp.net", null, FromMe: true, "text", "hi", SentAt);

        OutboundContent.CheckEditable(ours, SentAt.AddMinutes(15));
        OutboundContent.CheckEditable(ours with { Type = null, At = null }, SentAt.AddDays(1));
        var late = Assert.Throws<ContentException>(() => OutboundContent.CheckEditable(ours, SentAt.AddMinutes(15).AddSeconds(1)));
        Assert.Equal(ContentFailure.NotEditable, late.Failure);
        Assert.Contains("15 minutes", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_not_ours_or_not_a_text_is_not_editable()
    {
        var theirs = new KnownMessage("3EB0AA", "15550002002@s.whatsapp.net", "15550002002@s.whatsapp.net", FromMe: false, "text", "hi", SentAt);
        var image = theirs with { FromMe = true, Type = "image" };

        Assert.Equal(ContentFailure.NotEditable, Assert.Throws<ContentException>(() => OutboundContent.CheckEditable(theirs, SentAt)).Failure);
        Assert.Contains("image", Assert.Throws<ContentException>(() => OutboundContent.CheckEditable(image, SentAt)).Message, StringComparison.Ordinal);
    }

    private static CloudRequest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CloudRequest.Parse(document.RootElement);
    }
}
