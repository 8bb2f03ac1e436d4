using Grpc.Core;
using SessionCluster.Edge.Contacts;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Contacts</c>: number checks, profile pictures and presence subscriptions through
/// <see cref="ContactCalls"/>, what REST's contact routes call too.
/// </summary>
internal sealed class ContactsService(EdgeDependencies deps) : V1.Contacts.ContactsBase
{
    public override async Task<CheckContactsResponse> Check(CheckContactsRequest request, ServerCallContext context)
    {
        var checkedContacts = await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => ContactCalls.CheckAsync(entry, [.. request.Phones], deps, context.CancellationToken)).ConfigureAwait(false);
        var response = new CheckContactsResponse();
        foreach (var contact in checkedContacts.Contacts)
        {
            var item = new V1.ContactCheck { Phone = contact.Phone, OnWhatsapp = contact.OnWhatsApp };
            if (contact.Jid is { } jid)
            {
                item.Jid = jid;
            }

            if (contact.Lid is { } lid)
            {
                item.Lid = lid;
            }

            response.Contacts.Add(item);
        }

        return response;
    }

    public override async Task<ProfilePicture> GetProfilePicture(GetProfilePictureRequest request, ServerCallContext context)
    {
        var picture = await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => ContactCalls.PictureAsync(entry, request.Jid, request.Preview, deps, context.CancellationToken)).ConfigureAwait(false);
        var message = new ProfilePicture { Url = picture.Url };
        if (picture.Id is { } id)
        {
            message.Id = id;
        }

        return message;
    }

    public override async Task<SubscribePresenceResponse> SubscribePresence(SubscribePresenceRequest request, ServerCallContext context)
    {
        await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => ContactCalls.SubscribePresenceAsync(entry, request.Jid, deps, context.CancellationToken)).ConfigureAwait(false);
        return new SubscribePresenceResponse();
    }
}
