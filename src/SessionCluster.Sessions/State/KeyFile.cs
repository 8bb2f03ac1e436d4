namespace SessionCluster.Sessions.State;

/// <summary>A secret the node generates once into its data folder (the secrets key, the admin key): owner-only, never overwritten.</summary>
public static class KeyFile
{
    /// <summary>
    /// Writes <paramref name="line"/> to a new file at <paramref name="path"/>, readable and writable by its owner only
    /// (mode 600); false when the file exists already, e.g. because another node on the same folder wrote its own
    /// first (the caller then reads that one, so both use one key).
    /// </summary>
    public static bool TryCreate(string path, string line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // CreateNew: two nodes starting on one folder never overwrite each other's key.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(path, create);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(line);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}
