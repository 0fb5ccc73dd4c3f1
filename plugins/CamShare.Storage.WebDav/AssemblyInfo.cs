using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("CamShare.Storage.WebDav.Tests")]
