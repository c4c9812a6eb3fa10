from django.urls import path

from linli.residents import views, views_board

app_name = "residents"

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notices, name="notices"),
    path("notices/read-all/", views.notices_read_all, name="notices_read_all"),
    path("notices/<str:kind>/<int:pk>/", views.notice_open, name="notice_open"),
    path("votes/", views.votes, name="votes"),
    path("call/", views.call, name="call"),
    # --- issue 19: the estate's public board (三公开), docs/public-board.md ---
    path("board/", views_board.my_board, name="my_board"),
    path("board/<str:token>/", views_board.board, name="board"),
    path("board/<str:token>/print/", views_board.board_print, name="board_print"),
    # --- end of issue 19: public board ---
]
