using System;
using System.IO;
using System.Text.Json.Nodes;
using ScratchOptim.Replay;

namespace ScratchOptim.Tests;

/// <summary>Replays a golden case after an edit of its JSON, from a temporary file that is deleted afterwards.</summary>
internal static class EditedCase
{
    public static ReplayResult Run(string file, Action<JsonObject> edit) => Run(file, edit, out _);

    /// <param name="path">The temporary file's path (gone by the time the method returns), for messages that name it.</param>
    public static ReplayResult Run(string file, Action<JsonObject> edit, out string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        edit(json);
        path = Path.Combine(Path.GetTempPath(), $"scratchoptim-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            return CaseRunner.Run(ReferenceCase.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
