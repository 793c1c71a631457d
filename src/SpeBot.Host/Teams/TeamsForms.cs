using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;

namespace SpeBot.Host.Teams;

/// <summary>The "Propose as SPE item" dialog (a task module holding an Adaptive Card) and reading its submission.</summary>
public sealed class TeamsForms(TeamsRenderer renderer)
{
    public const string CommandId = "captureMessage";
    /// <summary>The "spe" value of the button that opens the proposal form (task/fetch).</summary>
    public const string ProposeTask = "propose";

    /// <summary>
    /// composeExtension/fetchTask answer: a dialog prefilled with the message (first line title, rest detail); task/fetch
    /// (the proposal button) uses it too, without a source message.
    /// </summary>
    public JsonObject FetchTaskResponse(string title, string? detail, string locale, string category = Category.Other, bool fromMessage = true)
    {
        var style = renderer.NewStyle();
        string T(string key) => renderer.T(locale, new Message(key), style);
        var categories = new JsonArray(Category.All.Select(c => (JsonNode)new JsonObject { ["title"] = T($"category.{c}"), ["value"] = c }).ToArray());
        List<JsonNode> body =
        [
            new JsonObject
            {
                ["type"] = "Input.Text", ["id"] = "title", ["label"] = T("form.field.title"), ["value"] = title, ["isRequired"] = true,
                ["maxLength"] = ProposalText.MaxTitle, ["errorMessage"] = T("form.error.title_required"), ["placeholder"] = T("form.field.title.hint"),
            },
            new JsonObject
            {
                ["type"] = "Input.Text", ["id"] = "detail", ["label"] = T("form.field.detail"), ["value"] = detail ?? "", ["isMultiline"] = true,
                ["maxLength"] = ProposalText.MaxDetail,
            },
            new JsonObject
            {
                ["type"] = "Input.ChoiceSet", ["id"] = "category", ["label"] = T("form.field.category"), ["value"] = category, ["choices"] = categories,
            },
        ];
        if (fromMessage) body.Insert(0, AdaptiveCards.Text(T("form.source"), subtle: true));
        var card = AdaptiveCards.Card(body, [new JsonObject { ["type"] = "Action.Submit", ["title"] = T("form.submit") }]);
        return new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["type"] = "continue",
                ["value"] = new JsonObject
                {
                    ["title"] = T("form.title"), ["height"] = "medium", ["width"] = "medium", ["card"] = AdaptiveCards.Attachment(card),
                },
            },
        };
    }

    /// <summary>The submitted dialog values; null title when missing or blank.</summary>
    public static (string? Title, string? Detail, string Category) Read(JsonElement? data)
    {
        string? Field(string name) => data is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()?.Trim() : null;
        var title = Field("title");
        var detail = Field("detail");
        Category.TryNormalize(Field("category"), out var category);
        return (string.IsNullOrEmpty(title) ? null : AdaptiveCards.Truncate(title, ProposalText.MaxTitle),
                string.IsNullOrEmpty(detail) ? null : AdaptiveCards.Truncate(detail, ProposalText.MaxDetail), category);
    }
}
