namespace SpeBot.Core.Text;

/// <summary>Formatting for text that is stored, not shown: no escaping (it is escaped again when shown).</summary>
public sealed class PlainText : ITextStyle
{
    public static readonly PlainText Instance = new();

    public string Escape(string userText) => userText;

    public string Mention(UserRef user) => "@" + user.Id;
}
