"""URLs of the benchmark server: the real ones plus a trivial JSON view (the throughput reference)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as real


@csrf_exempt
def ping(request: HttpRequest) -> JsonResponse:
    """Same server, same middleware, no database: what the stack costs without the view's work."""
    return JsonResponse({"found": False, "message": "", "certificates": []})


urlpatterns = [path("bench/ping", ping), *real]
