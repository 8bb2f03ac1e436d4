using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.AppState;

/// <summary>One verified, decrypted mutation of a patch.</summary>
/// <param name="Operation">SET or REMOVE.</param>
/// <param name="Index">The index JSON's elements, e.g. <c>["archive", "123@s.whatsapp.net"]</c>.</param>
/// <param name="Value">The action; for a REMOVE, the value that was removed.</param>
/// <param name="ActionVersion">SyncActionData.version: the action's schema version (archive 3, mute 2, …).</param>
public sealed record AppStateMutation(AppStateOperation Operation, IReadOnlyList<string> Index, SyncActionValue Value, int ActionVersion)
{
    /// <summary>The index's first element, the action's name (<c>archive</c>, <c>mute</c>, <c>setting_pushName</c>, …).</summary>
    public string Action => Index.Count > 0 ? Index[0] : string.Empty;
}

/// <summary>A verified patch: the collection state after it and its mutations in order.</summary>
public sealed record AppStatePatchResult(AppStateCollectionState State, IReadOnlyList<AppStateMutation> Mutations);

/// <summary>An encoded patch ready to upload, and the state the device holds once the server accepts it.</summary>
public sealed record AppStateEncodedPatch(SyncdPatch Patch, AppStateCollectionState State);
