using Google.Apis.Services;
using Google.Apis.Util;

namespace CamShare.Storage.GoogleDrive.Api;

/// <summary>Drive v3 <c>permissions</c>: create and list.</summary>
internal sealed class PermissionsResource(IClientService service)
{
    public CreateRequest Create(string fileId, DrivePermission body) => new(service, fileId, body);

    public ListRequest List(string fileId) => new(service, fileId);

    internal sealed class CreateRequest : DriveRequest<DrivePermission>
    {
        private readonly DrivePermission _body;

        public CreateRequest(IClientService service, string fileId, DrivePermission body) : base(service)
        {
            FileId = fileId;
            _body = body;
            InitParameters();
        }

        [RequestParameter("fileId", RequestParameterType.Path)] public string FileId { get; }
        [RequestParameter("sendNotificationEmail", RequestParameterType.Query)] public bool? SendNotificationEmail { get; set; }

        public override string MethodName => "create";
        public override string HttpMethod => "POST";
        public override string RestPath => "files/{fileId}/permissions";
        protected override object GetBody() => _body;

        protected override void InitParameters()
        {
            base.InitParameters();
            AddPath("fileId");
            AddQuery("sendNotificationEmail");
        }
    }

    internal sealed class ListRequest : DriveRequest<DrivePermissionList>
    {
        public ListRequest(IClientService service, string fileId) : base(service) { FileId = fileId; InitParameters(); }

        [RequestParameter("fileId", RequestParameterType.Path)] public string FileId { get; }
        [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }

        public override string MethodName => "list";
        public override string HttpMethod => "GET";
        public override string RestPath => "files/{fileId}/permissions";

        protected override void InitParameters()
        {
            base.InitParameters();
            AddPath("fileId");
            AddQuery("pageToken");
        }
    }
}
