from django.urls import path

from letters import views

app_name = "letters"
urlpatterns = [
    path("patients/<int:patient_id>/communication/", views.needs_edit, name="needs"),
    path("decisions/<int:decision_id>/patient-letter/", views.letter_start, name="start"),
    path("advice/<int:advice_id>/patient-letter/", views.advice_letter_start, name="advice-start"),
    path("letters/", views.letter_list, name="list"),
    path("letters/<int:letter_id>/", views.letter_page, name="letter"),
    path("letters/<int:letter_id>/release/", views.letter_release, name="release"),
    path("letters/<int:letter_id>/letter.pdf", views.letter_pdf, name="pdf"),
    path("letters/<int:letter_id>/large-print.pdf", views.letter_pdf, {"large": True}, name="pdf-large"),
    path("letters/<int:letter_id>/letter.html", views.letter_html, name="html"),
    path("letters/tasks/<int:task_id>/done/", views.task_done, name="task-done"),
    path("information-sheet/", views.sheet_page, name="sheet"),
    path("information-sheet.pdf", views.sheet_pdf, name="sheet-pdf"),
    path("information-sheet-large-print.pdf", views.sheet_pdf, {"large": True}, name="sheet-pdf-large"),
]
