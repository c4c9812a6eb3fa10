"""``linli seed --homes N [--seed S]``: add a synthetic city in bulk (see linli/people/seed/)."""

from django.core.management.base import BaseCommand, CommandError

from linli.people.seed import seed


class Command(BaseCommand):
    help = "生成合成城市数据（区→街道→社区→小区→楼栋→房屋，每户一名业主），用于压力测试和基准测试。"

    def add_arguments(self, parser):
        parser.add_argument("--homes", type=int, required=True, help="房屋户数，例如 1000000")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--chunk", type=int, default=None, help="每个事务的户数（默认 N/10，最多 100000）")

    def handle(self, *args, homes, seed: int, chunk, **options):
        if homes < 1:
            raise CommandError("--homes 必须至少为 1")
        seed_city(homes, seed=seed, chunk_homes=chunk, out=self.stdout.write)


seed_city = seed
