"""GET /api/v1/preview/?token=…: the term a preview link names
(terms/preview.py), as it would be published, draft edits included. The
token is the only credential: no session or API token is read. Private,
never stored by a cache, never replayed (terms/api/replay.py files only
what a read view marks)."""

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from terms import preview
from terms.changes import versions
from terms.models import Change, Term

from . import schema
from .params import StrictQueryParametersMixin
from .serializers import TermDetailSerializer

NOT_STORED = "private, no-store"


class PreviewQuery(serializers.Serializer):
    token = serializers.CharField(
        max_length=500,
        # What django.core.signing writes (URL-safe base64 and colons); the
        # schema declares it, so a generated token stays within a URL's limit.
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.:-]+$", "Not a preview link's token.")
        ],
        help_text="The token of the admin's preview link.",
    )


class PreviewView(StrictQueryParametersMixin, generics.GenericAPIView):
    """A term as it would be published, for the front-end's preview."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = TermDetailSerializer
    query_parameters = ("token",)

    @extend_schema(
        summary="Preview a term before it is published",
        parameters=[PreviewQuery],
        responses={
            200: TermDetailSerializer,
            **schema.problems(
                {
                    403: "The token is not valid, or it expired.",
                    404: "The term the token names no longer exists.",
                }
            ),
        },
    )
    def get(self, request):
        query = PreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)  # a 400 naming each parameter
        try:
            term_id = preview.term_of(query.validated_data["token"])
        except preview.Refused as error:
            raise PermissionDenied(str(error)) from error
        term = get_object_or_404(Term.objects.with_related(), pk=term_id)
        versions.stamp([term], Change.Kind.TERM, drafts=True)
        data = self.get_serializer(term).data
        return Response(data, headers={"Cache-Control": NOT_STORED})
