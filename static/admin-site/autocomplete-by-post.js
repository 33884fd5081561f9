// The admin's autocomplete asks for its choices by POST, with the form's CSRF token: the name, e-mail
// address or mobile number typed travels in the request's body, never in an address that the server's and
// a proxy's request logs keep. Loaded after Django's admin/js/autocomplete.js and before the page is ready,
// it replaces the set-up that Django's script then runs on every autocomplete field (and on new inlines).
"use strict";
{
  const $ = django.jQuery;

  function csrfToken(element) {
    const field = element.form && element.form.elements.namedItem("csrfmiddlewaretoken");
    if (field && field.value) return field.value;
    const cookie = document.cookie.split("; ").find((pair) => pair.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
  }

  $.fn.djangoAdminSelect2 = function () {
    $.each(this, function (i, element) {
      $(element).select2({
        ajax: {
          type: "POST",
          headers: { "X-CSRFToken": csrfToken(element) },
          data: (params) => ({
            term: params.term,
            page: params.page,
            app_label: element.dataset.appLabel,
            model_name: element.dataset.modelName,
            field_name: element.dataset.fieldName,
          }),
        },
      });
    });
    return this;
  };
}
