using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("CamShare.Storage.Ftp.Tests")]
